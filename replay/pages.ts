/**
 * Guest pages gathered for the wire: ram.c copies each page into the stream (save_normal_page), and
 * multifd.c hands a job's pages to a channel; here both become one buffer of whole pages.
 * @packageDocumentation
 */
import type { GuestRam } from '../runtime/guest/index.js';
import { type BatchFrame, MAX_BATCH_PAGES, PAGE_SIZE } from '../runtime/wire/index.js';

/** The pages' indexes and a copy of their contents, back to back. @public */
function gather(guest: GuestRam, pages: readonly number[]): { indexes: Uint32Array; data: Buffer } {
  const indexes = Uint32Array.from(pages);
  const data = Buffer.alloc(indexes.length * PAGE_SIZE);
  for (let i = 0; i < indexes.length; i++) data.set(guest.page(indexes[i]!), i * PAGE_SIZE);
  return { indexes, data };
}

/** The pages as batch frames of at most MAX_BATCH_PAGES (docs/wire-format.md). @public */
export function batchFrames(guest: GuestRam, pages: readonly number[]): BatchFrame[] {
  const out: BatchFrame[] = [];
  for (let at = 0; at < pages.length; at += MAX_BATCH_PAGES)
    out.push({ kind: 'batch', ...gather(guest, pages.slice(at, at + MAX_BATCH_PAGES)) });
  return out;
}
