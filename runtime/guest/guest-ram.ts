/**
 * The simulated guest's RAM: one ArrayBuffer of 4 KiB pages plus the dirty log that KVM keeps for it
 * (what memory_global_dirty_log_sync reads back). Allocated lazily, as QEMU's anonymous guest RAM is: the
 * buffer is one untouched mapping that the kernel backs page by page on first access, and GuestRam keeps
 * a map of the chunks ({@link RAM_CHUNK_PAGES} pages) that may have been written, so that nothing which
 * only wants to know "is this zero" (the zero-page test, the digest's first hash table) reads, and so
 * allocates, a chunk the guest never wrote. A `--ram 4G` node stays a few tens of MB until pages move.
 * @packageDocumentation
 */
import { fail } from '../errors.js';
import { DirtyBitmap } from './bitmap.js';
import { digestBytes, digestPageSet } from './digest.js';
import { PAGE_SIZE, parseRamSize } from './page.js';

/** log2 of {@link RAM_CHUNK_PAGES}. */
const CHUNK_BITS = 9;

/**
 * Pages per chunk of the written-chunks map (2 MiB, a huge page; also the digest's block, so a chunk
 * never written is a block of zero pages). @public
 */
export const RAM_CHUNK_PAGES = 1 << CHUNK_BITS;

/** Guest RAM: real bytes, a dirty bitmap, page access and digests. @public */
export class GuestRam {
  /** The whole of guest RAM, one buffer (a 1 GiB guest is a lazily zeroed 1 GiB allocation). */
  readonly bytes: Uint8Array;
  /** Pages the guest wrote since the log was last synced (KVM's dirty log). */
  readonly dirty: DirtyBitmap;
  #words: Uint32Array | undefined;
  /** 1 for a chunk that may hold non-zero bytes (it was written, or a live view of it was handed out). */
  readonly #written: Uint8Array;
  #writtenChunks = 0;

  /** @param pageCount number of 4 KiB pages. */
  constructor(readonly pageCount: number) {
    this.bytes = new Uint8Array(pageCount * PAGE_SIZE);
    this.dirty = new DirtyBitmap(pageCount);
    this.#written = new Uint8Array(Math.ceil(pageCount / RAM_CHUNK_PAGES));
  }

  /**
   * Marks pages `first` … `first + count - 1` as possibly written. Whoever writes through
   * {@link GuestRam.bytes} directly (the colo cache's flush, a bench filling RAM) calls this first; every
   * method of GuestRam that writes or hands out a writable view does it itself.
   */
  touch(first: number, count = 1): void {
    const end = (first + count - 1) >>> CHUNK_BITS;
    for (let chunk = first >>> CHUNK_BITS; chunk <= end; chunk++)
      if (this.#written[chunk] === 0) {
        this.#written[chunk] = 1;
        this.#writtenChunks++;
      }
  }

  /** False while chunk `chunk` ({@link RAM_CHUNK_PAGES} pages) was never written: all its bytes are zero. */
  chunkWritten(chunk: number): boolean {
    return this.#written[chunk] === 1;
  }

  /** Bytes of the chunks that may have been written (an upper bound on what the guest made resident). */
  get writtenBytes(): number {
    return Math.min(this.#writtenChunks * RAM_CHUNK_PAGES * PAGE_SIZE, this.bytes.byteLength);
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
    if (this.#written[i >>> CHUNK_BITS] === 0) this.touch(i);
    return this.bytes.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
  }

  /** A copy of page `i` (a never-written page is a new zero page: nothing of RAM is read). */
  readPage(i: number): Uint8Array {
    this.check(i);
    if (this.#written[i >>> CHUNK_BITS] === 0) return new Uint8Array(PAGE_SIZE);
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
    this.check(i);
    // a chunk never written is zero already: filling it would only make the kernel allocate it
    if (this.#written[i >>> CHUNK_BITS] === 1) this.page(i).fill(0);
    if (markDirty) this.dirty.set(i);
  }

  /** Records that the guest wrote page `i` through a {@link GuestRam.page} view. */
  markDirty(i: number): void {
    this.dirty.set(i);
  }

  /**
   * True if page `i` is all zeroes: at once for a chunk never written, else a word compare over one view
   * of all of RAM (none made per call).
   */
  isZero(i: number): boolean {
    this.check(i);
    if (this.#written[i >>> CHUNK_BITS] === 0) return true;
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
