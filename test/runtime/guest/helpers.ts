import { ColoCache, GuestRam, PAGE_SIZE, Prng } from '../../../runtime/guest/index.js';

/** A primary and a secondary after precopy: equal RAM, cache in COLO mode with an empty bitmap. */
export function pairAfterPrecopy(pages: number, seed = 1) {
  const primary = new GuestRam(pages);
  primary.touch(0, pages); // written through `bytes`
  new Prng(seed).fill(primary.bytes);
  const secondary = new GuestRam(pages);
  const cache = new ColoCache(secondary);
  for (let i = 0; i < pages; i++) {
    if (primary.isZero(i)) cache.storeZero(i);
    else cache.store(i, primary.page(i));
  }
  primary.dirty.clearAll();
  cache.startDirtyLog();
  return { primary, secondary, cache };
}

/** Writes fresh random bytes into `pages` of `ram`, as the guest would. */
export function dirty(ram: GuestRam, pages: Iterable<number>, rng: Prng): void {
  const data = new Uint8Array(PAGE_SIZE);
  for (const p of pages) {
    rng.fill(data);
    ram.writePage(p, data);
  }
}

/** The primary's side of a checkpoint: send every dirty page (zero pages as zero) and clear its log. */
export function sendDirty(primary: GuestRam, cache: ColoCache): number[] {
  const sent = [...primary.dirty];
  for (const p of sent) {
    if (primary.isZero(p)) cache.storeZero(p);
    else cache.store(p, primary.page(p));
  }
  primary.dirty.clearAll();
  return sent;
}
