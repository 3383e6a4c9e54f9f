/**
 * The secondary's colo cache (migration/ram.c): a second copy of guest RAM that holds the primary's
 * image, and a bitmap of pages to copy into the SVM at the next flush. Reference §6.
 * @packageDocumentation
 */
import { fail } from '../errors.js';
import { DirtyBitmap } from './bitmap.js';
import { digestBytes } from './digest.js';
import type { GuestRam } from './guest-ram.js';
import { PAGE_SIZE } from './page.js';

/** Before the COLO thread starts, pages go to guest and cache; after, to the cache only. @public */
export type ColoCacheMode = 'precopy' | 'colo';

/** The colo cache of one secondary. @public */
export class ColoCache {
  #bytes: Uint8Array | null;
  #bitmap: DirtyBitmap | null;
  #mode: ColoCacheMode = 'precopy';
  /** {@link ColoCache.storePages}' view of the cache bytes as a Buffer (for Buffer#copy). */
  #buffer: Buffer | undefined;

  /**
   * ram.c:colo_init_ram_cache: a zeroed buffer of guest size and an empty bitmap. With `shared` the buffer
   * is a SharedArrayBuffer, so multifd receive workers store pages in place ({@link ColoCache.shared}).
   */
  constructor(
    private readonly guest: GuestRam,
    shared = false,
  ) {
    this.#bytes = shared
      ? new Uint8Array(new SharedArrayBuffer(guest.byteLength))
      : new Uint8Array(guest.byteLength);
    this.#bitmap = new DirtyBitmap(guest.pageCount);
  }

  /** The cache's bytes when they are shared with receive workers (constructed with `shared`). */
  get shared(): SharedArrayBuffer | undefined {
    const buffer = this.#bytes?.buffer;
    return buffer instanceof SharedArrayBuffer ? buffer : undefined;
  }

  /**
   * A receive worker stored these pages straight into the shared bytes (COLO only): their bits are
   * recorded as {@link ColoCache.storePages} would have.
   */
  stored(indexes: ArrayLike<number>): void {
    const { bitmap } = this.live('store');
    if (this.#mode === 'colo') for (let i = 0; i < indexes.length; i++) bitmap.set(indexes[i]!);
  }

  /** `precopy` until {@link ColoCache.startDirtyLog}. */
  get mode(): ColoCacheMode {
    return this.#mode;
  }

  /** True after {@link ColoCache.release}. */
  get released(): boolean {
    return this.#bytes === null;
  }

  private live(what: string): { bytes: Uint8Array; bitmap: DirtyBitmap } {
    if (this.#bytes === null || this.#bitmap === null) fail('cache-released', { message: what });
    return { bytes: this.#bytes, bitmap: this.#bitmap };
  }

  /** The cache's bitmap (block->bmap): pages received since the last flush. */
  get bitmap(): DirtyBitmap {
    return this.live('bitmap').bitmap;
  }

  /** A live view of cached page `i`. */
  page(i: number): Uint8Array {
    const { bytes } = this.live('page read');
    this.guest.page(i); // range check with the guest's error
    return bytes.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
  }

  /**
   * A page arrived from the primary. In COLO: cache only, bit recorded
   * (ram.c:colo_cache_from_block_offset(record_bitmap=true) / colo_record_bitmap). In precopy: guest
   * and cache, no bit (ram.c:ram_load_precopy's host_bak copy).
   */
  store(i: number, data: Uint8Array): void {
    if (data.byteLength !== PAGE_SIZE)
      fail('bad-length', { message: 'page', expected: PAGE_SIZE, actual: data.byteLength });
    this.storeRun(i, data);
  }

  /**
   * Pages `first`, `first + 1`, … arrived together (`data` holds whole pages, in order): one range check
   * and one copy per destination, with the same effect as {@link ColoCache.store} of each page.
   */
  storeRun(first: number, data: Uint8Array): void {
    const { bytes, bitmap } = this.live('store');
    const count = data.byteLength / PAGE_SIZE;
    if (!Number.isInteger(count) || count < 1)
      fail('bad-length', { message: 'page', expected: PAGE_SIZE, actual: data.byteLength });
    // range checks with the guest's error, without making views of its pages
    if (!Number.isInteger(first) || first < 0 || first + count > this.guest.pageCount)
      this.guest.page(first < 0 || first >= this.guest.pageCount ? first : first + count - 1);
    const at = first * PAGE_SIZE;
    bytes.set(data, at);
    if (this.#mode === 'colo') for (let i = first; i < first + count; i++) bitmap.set(i);
    else {
      this.guest.touch(first, count);
      this.guest.bytes.set(data, at); // no dirty bit: the log is not running during precopy
    }
  }

  /**
   * Pages `indexes[i]` arrived together, page `i` of `data` each (a multifd packet's or a batch's scattered
   * pages): the same effect as {@link ColoCache.store} of each, without a view made per page.
   */
  storePages(indexes: ArrayLike<number>, data: Uint8Array): void {
    const { bytes, bitmap } = this.live('store');
    const count = indexes.length;
    if (data.byteLength !== count * PAGE_SIZE)
      fail('bad-length', { message: 'pages', expected: count * PAGE_SIZE, actual: data.byteLength });
    for (let i = 0; i < count; i++) {
      const page = indexes[i]!;
      if (!Number.isInteger(page) || page < 0 || page >= this.guest.pageCount) this.guest.page(page); // its error
    }
    const source = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.#buffer ??= Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const colo = this.#mode === 'colo';
    const guest = colo
      ? undefined
      : Buffer.from(this.guest.bytes.buffer, this.guest.bytes.byteOffset, this.guest.byteLength);
    for (let i = 0; i < count; i++) {
      const at = indexes[i]! * PAGE_SIZE;
      source.copy(this.#buffer, at, i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
      if (colo) bitmap.set(indexes[i]!);
      else {
        this.guest.touch(indexes[i]!);
        source.copy(guest!, at, i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
      }
    }
  }

  /** A zero page arrived (multifd_colo_prepare_recv records zero pages too). */
  storeZero(i: number): void {
    const { bitmap } = this.live('store');
    this.page(i).fill(0);
    if (this.#mode === 'colo') bitmap.set(i);
    else this.guest.zeroPage(i, false);
  }

  /**
   * ram.c:colo_incoming_start_dirty_log: sync the SVM's dirty log and discard it, zero the bitmap, and
   * from now on stores go to the cache only.
   */
  startDirtyLog(): void {
    this.live('start dirty log').bitmap.clearAll();
    this.guest.dirty.clearAll();
    this.#mode = 'colo';
  }

  /**
   * ram.c:colo_flush_ram_cache: OR the SVM's own dirty pages into the bitmap (ramblock_sync_dirty_bitmap,
   * which consumes the dirty log), then copy every dirty run cache→guest and clear its bits. Afterwards
   * guest RAM equals the primary's image. Returns the number of pages copied.
   */
  flush(guest: GuestRam = this.guest): number {
    const { bytes, bitmap } = this.live('flush');
    if (guest.pageCount !== this.guest.pageCount)
      fail('bad-length', {
        message: 'flush target (pages)',
        expected: this.guest.pageCount,
        actual: guest.pageCount,
      });
    bitmap.or(guest.dirty);
    guest.dirty.clearAll();
    let pages = 0;
    for (let s = bitmap.nextSet(0); s >= 0; ) {
      const e = bitmap.nextClear(s);
      guest.touch(s, e - s);
      guest.bytes.set(bytes.subarray(s * PAGE_SIZE, e * PAGE_SIZE), s * PAGE_SIZE);
      pages += e - s;
      s = bitmap.nextSet(e);
    }
    bitmap.clearAll();
    return pages;
  }

  /** SHA-256 of the cache: equals the primary's RAM digest at a checkpoint boundary. */
  digest(): string {
    return digestBytes(this.live('digest').bytes);
  }

  /** ram.c:colo_release_ram_cache: frees cache and bitmap; any later access throws `cache-released`. */
  release(): void {
    this.#buffer = undefined;
    this.#bytes = null;
    this.#bitmap = null;
  }
}
