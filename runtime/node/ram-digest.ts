import { createHash } from 'node:crypto';
import { fail } from '../errors.js';
import type { DirtyBitmap } from '../guest/index.js';

const PAGE_SIZE = 4096;
const PAGE_WORDS = PAGE_SIZE / 4;
/** FNV's 32-bit prime: odd, so `x => imul(x, P)` is a bijection of the 32-bit integers. */
const P = 0x01000193;
/** log2 of the pages per block of the digest's hash tree (512 pages: 4 KiB of page hashes). */
const BLOCK_BITS = 9;
/** Pages whose hashes one block of the digest's hash tree covers. @public */
export const BLOCK_PAGES = 1 << BLOCK_BITS;
/** Pages written since their hash was taken that {@link RamDigest.followWrites} lets wait before it hashes them. */
const CATCH_UP_PAGES = 256;

/**
 * A 64-bit hash of the page at word `base` of `words`, for page `page`, into `out[2 * slot]` and
 * `out[2 * slot + 1]`. Four lanes, each a chain `h = imul(h ^ w, P)` over every fourth word, seeded with
 * the page index; independent lanes let the CPU run them in parallel (about 3 GB/s here, where the
 * murmur3 mixing this replaces ran at 1.8). Every step of a lane is a bijection of its state for a given
 * word, so two pages that differ in one word (one flipped byte, any single-word change) or that sit at
 * different indexes always hash differently: certain, not probable. The final mix keeps that (each
 * output word takes one lane as is and another through a bijection).
 * @internal
 */
export function hashPage(
  words: Uint32Array,
  base: number,
  page: number,
  out: Uint32Array,
  slot: number,
): void {
  let a = 0x811c9dc5 ^ page;
  let b = 0x9747b28c ^ page;
  let c = 0x5bd1e995 ^ page;
  let d = 0xc2b2ae35 ^ page;
  for (let i = base; i < base + PAGE_WORDS; i += 4) {
    a = Math.imul(a ^ words[i]!, P);
    b = Math.imul(b ^ words[i + 1]!, P);
    c = Math.imul(c ^ words[i + 2]!, P);
    d = Math.imul(d ^ words[i + 3]!, P);
  }
  // c and d through an odd multiply and a xorshift (both bijections), so low bits see high bits
  c = Math.imul(c, 0x85ebca6b);
  d = Math.imul(d, 0xc2b2ae35);
  out[2 * slot] = (a ^ c ^ (c >>> 16)) >>> 0;
  out[2 * slot + 1] = (b ^ d ^ (d >>> 13)) >>> 0;
}

/** P to the power of a lane's steps over one page: a zero word leaves `h ^ w = h`, so a lane is `h * P^256`. */
const P_PAGE = (() => {
  let power = 1;
  for (let i = 0; i < PAGE_WORDS / 4; i++) power = Math.imul(power, P);
  return power;
})();

/** `hashPage` of an all-zero page, in closed form (no RAM read). @internal */
export function hashZeroPage(page: number, out: Uint32Array, slot: number): void {
  const a = Math.imul(0x811c9dc5 ^ page, P_PAGE);
  const b = Math.imul(0x9747b28c ^ page, P_PAGE);
  const c = Math.imul(Math.imul(0x5bd1e995 ^ page, P_PAGE), 0x85ebca6b);
  const d = Math.imul(Math.imul(0xc2b2ae35 ^ page, P_PAGE), 0xc2b2ae35);
  out[2 * slot] = (a ^ c ^ (c >>> 16)) >>> 0;
  out[2 * slot + 1] = (b ^ d ^ (d >>> 13)) >>> 0;
}

/**
 * A digest of all of guest RAM that is updated page by page: a 64-bit hash per page (see `hashPage`:
 * a single changed word always changes it), then a SHA-256 over the table of page hashes. Both sides keep
 * one; after a checkpoint they must agree. Updating the pages a checkpoint moved costs a few milliseconds
 * where a SHA-256 of 256 MiB costs a quarter of a second. It detects corruption and protocol bugs, not an
 * adversary.
 *
 * The secondary hashes a checkpoint's pages as they arrive ({@link RamDigest.stage}) into a staging
 * table, and moves them into the digest when they reach guest RAM ({@link RamDigest.commit}, at the
 * flush), so the table always describes guest RAM and the hashing overlaps the transfer.
 *
 * The primary follows its guest's writes ({@link RamDigest.followWrites}): pages are hashed while the
 * guest runs, a few hundred at a time, so a checkpoint's pause hashes only the pages written since the
 * last catch-up, not every page it sends.
 * @public
 */
export class RamDigest {
  /** Milliseconds spent hashing so far (every method that hashes adds its time), for the pause clock. */
  busyMs = 0;
  private readonly hashes: Uint32Array;
  /** Hashes of pages received but not flushed yet (allocated on the first {@link RamDigest.stage}). */
  private staged: Uint32Array | undefined;
  /** 1 for a page whose staged hash is waiting for its commit. */
  private pending: Uint8Array | undefined;
  /** A word-aligned page, for data that is not word-aligned (a page view into a socket chunk). */
  private scratch: Uint32Array | undefined;
  /** The dirty log whose writes are followed ({@link RamDigest.followWrites}), if any. */
  private followed: DirtyBitmap | undefined;
  /** While following: 1 for a page written since its hash was taken (the table's hash may be stale). */
  private stale: Uint8Array | undefined;
  /** The pages marked in `stale` since the last catch-up (some may have been hashed since). */
  private readonly staleList: number[] = [];

  /** SHA-256 of each block of {@link BLOCK_PAGES} pages' hashes, and which blocks changed since. */
  private readonly blockDigests: Buffer;
  private readonly changed: Uint8Array;

  /**
   * @param blockWritten false for a block of {@link BLOCK_PAGES} pages that is known to be all zeroes (guest
   *   RAM's chunks never written): its pages' hashes are computed without reading RAM, so a lazily
   *   allocated guest stays unallocated (default: every block is read).
   */
  constructor(
    private readonly ram: Uint8Array,
    private readonly blockWritten: (block: number) => boolean = () => true,
  ) {
    const pages = ram.byteLength / PAGE_SIZE;
    this.hashes = new Uint32Array(pages * 2);
    const blocks = Math.ceil(pages / BLOCK_PAGES);
    this.blockDigests = Buffer.alloc(blocks * 32);
    this.changed = new Uint8Array(blocks);
    this.rebuild();
  }

  /** Re-hashes every page (after a whole-RAM load such as the end of precopy). */
  rebuild(): void {
    const started = performance.now();
    const words = this.words();
    const pages = this.ram.byteLength / PAGE_SIZE;
    for (let block = 0; block * BLOCK_PAGES < pages; block++) {
      const end = Math.min(pages, (block + 1) * BLOCK_PAGES);
      if (this.blockWritten(block))
        for (let page = block * BLOCK_PAGES; page < end; page++)
          hashPage(words, page * PAGE_WORDS, page, this.hashes, page);
      else for (let page = block * BLOCK_PAGES; page < end; page++) hashZeroPage(page, this.hashes, page);
    }
    this.changed.fill(1);
    this.stale?.fill(0);
    this.staleList.length = 0;
    this.busyMs += performance.now() - started;
  }

  /** Re-hashes these pages (after they were written). */
  update(pages: Iterable<number>): void {
    const started = performance.now();
    try {
      this.rehash(pages);
    } finally {
      this.busyMs += performance.now() - started;
    }
  }

  private rehash(pages: Iterable<number>): void {
    const words = this.words();
    const count = this.ram.byteLength / PAGE_SIZE;
    for (const page of pages) {
      if (!Number.isInteger(page) || page < 0 || page >= count)
        fail('pages-out-of-range', { message: 'page', actual: page, limit: count });
      hashPage(words, page * PAGE_WORDS, page, this.hashes, page);
      this.changed[page >>> BLOCK_BITS] = 1;
      if (this.stale) this.stale[page] = 0;
    }
  }

  /**
   * From now on the table follows the guest's writes through its dirty log: every page marked dirty
   * (which a guest store does once the page holds what it wrote) is hashed again from guest RAM, in
   * batches of a few hundred pages while the guest runs, or by {@link RamDigest.catchUp}. Pages dirty
   * now are taken as written. Valid while every write to this RAM marks its page in `dirty` (a write
   * that does not, such as the secondary's flush, is not a guest store): then a page not written since
   * its hash was taken needs no hashing at a checkpoint ({@link RamDigest.updateFrom} skips it). Calling
   * it again with the same log changes nothing.
   */
  followWrites(dirty: DirtyBitmap): void {
    if (this.followed === dirty) return;
    if (this.followed) this.followed.onSet = undefined;
    this.followed = dirty;
    this.stale = new Uint8Array(this.ram.byteLength / PAGE_SIZE);
    this.staleList.length = 0;
    for (const page of dirty) this.written(page);
    dirty.onSet = (page) => this.written(page);
  }

  /** Hashes, from guest RAM as it is now, every followed page written since its hash was taken. */
  catchUp(): void {
    const { stale, staleList } = this;
    if (stale === undefined || staleList.length === 0) return;
    const started = performance.now();
    const words = this.words();
    for (const page of staleList) {
      if (stale[page] === 0) continue;
      stale[page] = 0;
      hashPage(words, page * PAGE_WORDS, page, this.hashes, page);
      this.changed[page >>> BLOCK_BITS] = 1;
    }
    staleList.length = 0;
    this.busyMs += performance.now() - started;
  }

  private written(page: number): void {
    const stale = this.stale!;
    if (stale[page] === 1) return;
    stale[page] = 1;
    this.staleList.push(page);
    if (this.staleList.length >= CATCH_UP_PAGES) this.catchUp();
  }

  /**
   * Re-hashes pages `indexes[i]` from `data` (page `i` of `data` is what page `indexes[i]` of RAM holds,
   * e.g. a batch just copied out of RAM, still in the CPU's cache), straight into the digest. While
   * following the writes ({@link RamDigest.followWrites}), only the pages written since their hash was
   * taken are hashed: the others' hashes already describe what `data` holds.
   */
  updateFrom(indexes: ArrayLike<number>, data: Uint8Array): void {
    const started = performance.now();
    this.hashList(indexes, data, this.hashes, this.stale);
    if (this.stale === undefined)
      for (let i = 0; i < indexes.length; i++) this.changed[indexes[i]! >>> BLOCK_BITS] = 1;
    this.busyMs += performance.now() - started;
  }

  /**
   * Hashes pages `first`, `first + 1`, … as they are in `data` (whole pages; any alignment) into the
   * staging table, without touching the digest: they count once {@link RamDigest.commit} takes them.
   */
  stage(first: number, data: Uint8Array): void {
    const count = data.byteLength / PAGE_SIZE;
    if (!Number.isInteger(count) || first < 0 || first + count > this.ram.byteLength / PAGE_SIZE)
      fail('pages-out-of-range', {
        message: 'pages',
        actual: `${first}+${data.byteLength / PAGE_SIZE}`,
        limit: this.ram.byteLength / PAGE_SIZE,
      });
    const started = performance.now();
    this.staged ??= new Uint32Array(this.hashes.length);
    this.pending ??= new Uint8Array(this.hashes.length / 2);
    this.pending.fill(1, first, first + count);
    if (data.byteOffset % 4 === 0) {
      const words = new Uint32Array(data.buffer, data.byteOffset, data.byteLength / 4);
      for (let i = 0; i < count; i++) hashPage(words, i * PAGE_WORDS, first + i, this.staged, first + i);
    } else {
      this.scratch ??= new Uint32Array(PAGE_WORDS);
      const bytes = new Uint8Array(this.scratch.buffer);
      for (let i = 0; i < count; i++) {
        bytes.set(data.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE));
        hashPage(this.scratch, 0, first + i, this.staged, first + i);
      }
    }
    this.busyMs += performance.now() - started;
  }

  /**
   * The staging table on a SharedArrayBuffer, for multifd receive workers that hash the pages they store
   * into it (the hashes staged so far are kept). Their pages count as staged once
   * {@link RamDigest.markStaged} is told which they were.
   */
  shareStaging(): SharedArrayBuffer {
    if (this.staged?.buffer instanceof SharedArrayBuffer) return this.staged.buffer;
    const table = new Uint32Array(new SharedArrayBuffer(this.hashes.byteLength));
    if (this.staged) table.set(this.staged);
    this.staged = table;
    this.pending ??= new Uint8Array(this.hashes.length / 2);
    return table.buffer as SharedArrayBuffer;
  }

  /** A worker hashed these pages into the shared staging table ({@link RamDigest.shareStaging}). */
  markStaged(indexes: ArrayLike<number>): void {
    this.pending ??= new Uint8Array(this.hashes.length / 2);
    for (let i = 0; i < indexes.length; i++) this.pending[indexes[i]!] = 1;
  }

  /** {@link RamDigest.stage} for scattered pages: page `i` of `data` is page `indexes[i]`. */
  stagePages(indexes: ArrayLike<number>, data: Uint8Array): void {
    const started = performance.now();
    this.staged ??= new Uint32Array(this.hashes.length);
    this.hashList(indexes, data, this.staged);
    this.markStaged(indexes);
    this.busyMs += performance.now() - started;
  }

  /**
   * These pages reached guest RAM: their staged hashes enter the digest. A page that was not staged since
   * its last commit is hashed from RAM instead, so the table never holds a stale hash.
   */
  commit(pages: Iterable<number>): void {
    const started = performance.now();
    const { staged, pending, hashes } = this;
    const unstaged: number[] = [];
    for (const page of pages) {
      if (staged === undefined || pending === undefined || pending[page] !== 1) {
        unstaged.push(page);
        continue;
      }
      pending[page] = 0;
      hashes[2 * page] = staged[2 * page]!;
      hashes[2 * page + 1] = staged[2 * page + 1]!;
      this.changed[page >>> BLOCK_BITS] = 1;
    }
    if (unstaged.length > 0) this.rehash(unstaged);
    this.busyMs += performance.now() - started;
  }

  /**
   * {@link RamDigest.commit}, kept only if the digest then equals `expected` (the primary's): a checkpoint
   * whose pages do not hash to what the primary sent is not committed, and the table is left as it was,
   * its staged hashes still waiting. Called before the flush, so `pages` must all be staged (a page that
   * is not is hashed from guest RAM as it is now). True if committed.
   */
  commitIf(pages: readonly number[], expected: Uint8Array | undefined): boolean {
    const saved = new Uint32Array(pages.length * 2);
    const wasPending = new Uint8Array(pages.length);
    for (let i = 0; i < pages.length; i++) {
      const page = pages[i]!;
      saved[2 * i] = this.hashes[2 * page]!;
      saved[2 * i + 1] = this.hashes[2 * page + 1]!;
      wasPending[i] = this.pending?.[page] ?? 0;
    }
    this.commit(pages);
    if (expected !== undefined && this.value().equals(expected)) return true;
    for (let i = 0; i < pages.length; i++) {
      const page = pages[i]!;
      this.hashes[2 * page] = saved[2 * i]!;
      this.hashes[2 * page + 1] = saved[2 * i + 1]!;
      if (this.pending) this.pending[page] = wasPending[i]!;
      this.changed[page >>> BLOCK_BITS] = 1;
    }
    return false;
  }

  /**
   * The digest as 32 bytes, the size of the wire's digest frame: SHA-256 over the SHA-256 of each block of
   * {@link BLOCK_PAGES} page hashes (a two-level hash tree over the whole table), where only the blocks
   * that changed since the last call are digested again (an idle checkpoint costs microseconds).
   */
  value(): Buffer {
    this.catchUp();
    const started = performance.now();
    const table = new Uint8Array(this.hashes.buffer, this.hashes.byteOffset, this.hashes.byteLength);
    const blockBytes = BLOCK_PAGES * 8;
    for (let block = 0; block < this.changed.length; block++) {
      if (this.changed[block] === 0) continue;
      this.changed[block] = 0;
      createHash('sha256')
        .update(table.subarray(block * blockBytes, (block + 1) * blockBytes))
        .digest()
        .copy(this.blockDigests, block * 32);
    }
    const digest = createHash('sha256').update(this.blockDigests).digest();
    this.busyMs += performance.now() - started;
    return digest;
  }

  /**
   * Hashes page `i` of `data` as page `indexes[i]` into `table` (any alignment of `data`). With `only`,
   * just the pages it marks, clearing their marks and noting their blocks as changed.
   */
  private hashList(
    indexes: ArrayLike<number>,
    data: Uint8Array,
    table: Uint32Array,
    only?: Uint8Array,
  ): void {
    const count = indexes.length;
    const pages = this.ram.byteLength / PAGE_SIZE;
    if (data.byteLength !== count * PAGE_SIZE)
      fail('pages-out-of-range', {
        message: 'data of',
        actual: `${data.byteLength} bytes`,
        limit: pages,
        expected: `${count * PAGE_SIZE} bytes for ${count} pages`,
      });
    for (let i = 0; i < count; i++) {
      const page = indexes[i]!;
      if (!Number.isInteger(page) || page < 0 || page >= pages)
        fail('pages-out-of-range', { message: 'page', actual: page, limit: pages });
    }
    const aligned = data.byteOffset % 4 === 0;
    if (!aligned) this.scratch ??= new Uint32Array(PAGE_WORDS);
    const words = aligned
      ? new Uint32Array(data.buffer, data.byteOffset, data.byteLength / 4)
      : this.scratch!;
    const bytes = aligned ? undefined : new Uint8Array(words.buffer);
    for (let i = 0; i < count; i++) {
      const page = indexes[i]!;
      if (only !== undefined) {
        if (only[page] === 0) continue;
        only[page] = 0;
        this.changed[page >>> BLOCK_BITS] = 1;
      }
      if (bytes === undefined) hashPage(words, i * PAGE_WORDS, page, table, page);
      else {
        bytes.set(data.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE));
        hashPage(words, 0, page, table, page);
      }
    }
  }

  private words(): Uint32Array {
    return new Uint32Array(this.ram.buffer, this.ram.byteOffset, this.ram.byteLength / 4);
  }
}
