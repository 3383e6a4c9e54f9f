import type { DirtyBitmap } from '../guest/index.js';

/** ram.c:migration_bitmap_sync: the pages dirtied since the last sync, and a fresh log. @internal */
export function takeDirty(bitmap: DirtyBitmap): number[] {
  const pages = [...bitmap];
  bitmap.clearAll();
  return pages;
}

/** @internal Every page index of a guest. */
export const allPages = (count: number): number[] => Array.from({ length: count }, (_, i) => i);
