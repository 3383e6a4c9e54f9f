/**
 * The simulated guest's RAM: one ArrayBuffer of 4 KiB pages plus the dirty log that KVM keeps for it
 * (what memory_global_dirty_log_sync reads back).
 * @packageDocumentation
 */
import { fail } from '../errors.js';
import { DirtyBitmap } from './bitmap.js';
import { digestBytes, digestPageSet } from './digest.js';
import { PAGE_SIZE, parseRamSize } from './page.js';

/** Guest RAM: real bytes, a dirty bitmap, page access and digests. @public */
export class GuestRam {
  /** The whole of guest RAM, one buffer (a 1 GiB guest is a lazily zeroed 1 GiB allocation). */
  readonly bytes: Uint8Array;
  /** Pages the guest wrote since the log was last synced (KVM's dirty log). */
  readonly dirty: DirtyBitmap;
  #words: Uint32Array | undefined;

  /** @param pageCount number of 4 KiB pages. */
  constructor(readonly pageCount: number) {
    this.bytes = new Uint8Array(pageCount * PAGE_SIZE);
    this.dirty = new DirtyBitmap(pageCount);
  }

  /** A guest of `size` (`256M`, `1G`, …). @throws LockstepError `bad-ram-size`, `ram-too-large`. */
  static ofSize(size: string | number): GuestRam {
    return new GuestRam(parseRamSize(size) / PAGE_SIZE);
  }

  /** Size in bytes. */
  get byteLength(): number {
    return this.bytes.byteLength;
  }

  /** @throws LockstepError `page-out-of-range`. */
  private check(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.pageCount)
      fail('page-out-of-range', { actual: i, limit: this.pageCount });
  }

  /** A live view of page `i` (no copy); writing through it does not mark the page dirty. */
  page(i: number): Uint8Array {
    this.check(i);
    return this.bytes.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
  }

  /** A copy of page `i`. */
  readPage(i: number): Uint8Array {
    return this.page(i).slice();
  }

  /**
   * Writes page `i`. A guest store marks it dirty; an incoming-migration load passes `markDirty=false`
   * because the dirty log is not running yet during precopy (ram.c:ram_load_precopy).
   * @throws LockstepError `bad-length` unless `data` is exactly one page.
   */
  writePage(i: number, data: Uint8Array, markDirty = true): void {
    if (data.byteLength !== PAGE_SIZE)
      fail('bad-length', { message: 'page', expected: PAGE_SIZE, actual: data.byteLength });
    this.page(i).set(data);
    if (markDirty) this.dirty.set(i);
  }

  /** Zeroes page `i` (a zero page arrived, or the guest cleared it). */
  zeroPage(i: number, markDirty = true): void {
    this.page(i).fill(0);
    if (markDirty) this.dirty.set(i);
  }

  /** Records that the guest wrote page `i` through a {@link GuestRam.page} view. */
  markDirty(i: number): void {
    this.dirty.set(i);
  }

  /** True if page `i` is all zeroes (word compare over one view of all of RAM, none made per call). */
  isZero(i: number): boolean {
    this.check(i);
    this.#words ??= new Uint32Array(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength / 4);
    const words = this.#words;
    const end = (i + 1) * (PAGE_SIZE / 4);
    for (let w = i * (PAGE_SIZE / 4); w < end; w++) if (words[w] !== 0) return false;
    return true;
  }

  /** SHA-256 of all of RAM, streamed over the buffer. */
  digest(): string {
    return digestBytes(this.bytes);
  }

  /** SHA-256 of a set of pages (index + contents, ascending). */
  digestPages(pages: Iterable<number>): string {
    const list = [...pages];
    for (const p of list) this.check(p);
    return digestPageSet(this.bytes, list);
  }
}
