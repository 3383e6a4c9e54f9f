/**
 * What both incremental decoders share: the chunk queue, the byte offset, the truncation report at
 * `finish()`, page-index checks, and a sticky error (after a bad frame the stream is not resynced).
 * @packageDocumentation
 */
import { fail, LockstepError } from '../errors.js';
import { ByteQueue } from './byte-queue.js';
import { PAGE_SIZE } from './format.js';

/** Options every decoder takes. @public */
export interface BaseDecoderOptions {
  /** Guest RAM size in pages: a page index at or past it is an error (ram.c:ram_block_from_stream). */
  readonly ramPages: number;
  /**
   * Copy page data that spans socket chunks into one decoder-owned scratch buffer instead of a fresh
   * one. Such data is then valid only until the next `next()` call. Off by default.
   */
  readonly reuse?: boolean;
  /**
   * Yield the pages of a batch frame (or multifd packet) as they arrive instead of once all of them are
   * buffered: the item comes as several items of the same kind, each with the next consecutive pages of
   * the list, their data a view of the socket chunk (or, for a page split across chunks, of a
   * decoder-owned page valid until the next `next()`); a multifd packet's zero pages and SYNC flag come
   * with its last piece. Stores of the pieces in order have the effect of storing the whole item, with
   * one copy less and no wait for the item's last byte. A truncated item reports its offset as the
   * position reached in it. Off by default.
   */
  readonly streamPages?: boolean;
}

/** The pages still to yield of an item decoded with `streamPages`. @public */
export interface PagesInFlight {
  readonly indexes: Uint32Array;
  /** Pages of `indexes` already yielded. */
  done: number;
}

/**
 * An incremental decoder: `push` chunks as they come off a socket, pull typed items with `next`, and
 * call `finish` at end of stream. Errors are {@link LockstepError}s with the byte offset from the stream start.
 * @public
 */
export abstract class BaseDecoder<T> {
  /** The chunks not yet decoded. */
  protected readonly q = new ByteQueue();
  /** Bytes the item at the read position needs, as far as its header tells so far. */
  protected need = 0;
  /** Name of the item being read, for error messages. */
  protected kind = 'frame';
  /** Page indexes already read and checked for the item at offset `indexesAt` (-1: none). */
  protected indexesAt = -1;
  /** See {@link BaseDecoder.indexesAt}: saves re-reading them on every push while the data arrive. */
  protected indexes: Uint32Array = new Uint32Array(0);
  private error: LockstepError | undefined;
  private scratch: Buffer | undefined;
  private onePage: Buffer | undefined;
  /** The item whose pages are being yielded as they arrive (`streamPages`), if one is. */
  protected inFlight: PagesInFlight | undefined;

  constructor(protected readonly options: BaseDecoderOptions) {
    if (!Number.isInteger(options.ramPages) || options.ramPages < 0 || options.ramPages > 2 ** 32)
      fail('bad-ram-size', { actual: options.ramPages });
  }

  /** Byte offset, from the stream start, of the first byte not yet decoded. */
  get offset(): number {
    return this.q.consumed;
  }

  /** Bytes received but not yet decoded. */
  get buffered(): number {
    return this.q.length;
  }

  /**
   * An item's pages are being yielded as they arrive (`streamPages`) and more of them are to come: the
   * last item `next()` returned was not the item's last piece.
   */
  get inItem(): boolean {
    return this.inFlight !== undefined;
  }

  /**
   * Appends a chunk (kept by reference; do not reuse it while frames point into it). `volatile`: the
   * chunk is a view of a read buffer the next read overwrites, so decode what is in, then call
   * {@link BaseDecoder.keepVolatile} before that read; frames that carry bytes (vmstate, digest) get
   * copies, pages stay views valid only during the call, as with `reuse`.
   */
  push(chunk: Uint8Array, volatile = false): this {
    if (this.error) throw this.error;
    this.q.push(chunk, volatile);
    return this;
  }

  /** Copies the undecoded rest of the volatile chunks pushed so far (see {@link BaseDecoder.push}). */
  keepVolatile(): void {
    this.q.keepVolatile();
  }

  /** The next complete item, or undefined until more bytes arrive. Throws on bad input. */
  next(): T | undefined {
    if (this.error) throw this.error;
    this.need = 0;
    this.kind = 'frame';
    try {
      return this.parse();
    } catch (e) {
      if (e instanceof LockstepError) this.error = e;
      throw e;
    }
  }

  /** Every complete item now buffered (convenience over {@link BaseDecoder.next}). */
  drain(): T[] {
    const out: T[] = [];
    for (let item = this.next(); item !== undefined; item = this.next()) out.push(item);
    return out;
  }

  /** Declares the end of the stream: returns the items still buffered, throws `truncated-frame` if a partial one is left. */
  finish(): T[] {
    const rest = this.drain(); // also refreshes need and kind for the partial item
    if (this.q.length === 0 && this.inFlight === undefined) return rest;
    this.error = new LockstepError('truncated-frame', {
      message: this.kind,
      offset: this.q.consumed,
      expected: this.need,
      actual: this.q.length,
    });
    throw this.error;
  }

  /** Decodes one item, or returns undefined (consuming nothing) while it is incomplete. */
  protected abstract parse(): T | undefined;

  /** True when `n` bytes of the current item are buffered; records `n` for truncation reports. */
  protected has(n: number): boolean {
    this.need = n;
    return this.q.length >= n;
  }

  /** Reads and checks the be64 page index `at` bytes into the current item. */
  protected pageIndex(at: number): number {
    const hi = this.q.u32(at);
    const lo = this.q.u32(at + 4);
    if (hi !== 0 || lo >= this.options.ramPages) {
      const actual = hi === 0 ? lo : ((BigInt(hi) << 32n) | BigInt(lo)).toString();
      fail('page-out-of-range', {
        message: this.kind,
        offset: this.q.consumed + at,
        actual,
        limit: this.options.ramPages,
      });
    }
    return lo;
  }

  /** Reads and checks `count` be64 page indexes from `at` bytes into the current item, once per item. */
  protected pageIndexes(at: number, count: number): Uint32Array {
    if (this.indexesAt === this.offset) return this.indexes;
    const indexes = new Uint32Array(count);
    for (let i = 0; i < count; i++) indexes[i] = this.pageIndex(at + 8 * i);
    this.indexesAt = this.offset;
    this.indexes = indexes;
    return indexes;
  }

  /**
   * The next pages of the item in flight that are buffered: as many whole pages as the head chunk holds
   * (a view), else the one page that spans chunks (copied into a decoder-owned page). Undefined until a
   * whole page is buffered. Ends the item after its last page.
   */
  protected nextPages(): { indexes: Uint32Array; data: Buffer; last: boolean } | undefined {
    const part = this.inFlight!;
    const remaining = part.indexes.length - part.done;
    if (!this.has(Math.min(remaining, 1) * PAGE_SIZE)) return undefined;
    let n = Math.min(remaining, Math.floor(this.q.headLength / PAGE_SIZE));
    let data: Buffer;
    if (n > 0 || remaining === 0) data = this.q.take(n * PAGE_SIZE);
    else {
      n = 1;
      this.onePage ??= Buffer.allocUnsafe(PAGE_SIZE);
      this.q.copyTo(this.onePage, 0, PAGE_SIZE);
      data = this.onePage;
    }
    const indexes = part.indexes.subarray(part.done, part.done + n);
    part.done += n;
    const last = part.done === part.indexes.length;
    if (last) this.inFlight = undefined;
    return { indexes, data, last };
  }

  /** Consumes `n` bytes of page data: a view if in one chunk, else a copy (into scratch if reusing). */
  protected pageData(n: number): Buffer {
    if (!this.options.reuse || this.q.contiguous(n)) return this.q.take(n);
    this.scratch ??= Buffer.allocUnsafe(1024 * PAGE_SIZE);
    const target = n <= this.scratch.length ? this.scratch.subarray(0, n) : Buffer.allocUnsafe(n);
    this.q.copyTo(target, 0, n);
    return target;
  }
}
