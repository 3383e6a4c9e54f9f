/**
 * The chunk queue under both decoders: socket chunks are kept as they arrive (no copy), read in place
 * when a field lies in one chunk, and copied only when a field spans chunks. A chunk that is a view of a
 * reused read buffer (pushed `volatile`) is kept only until {@link ByteQueue.keepVolatile}, which copies
 * what is left of it.
 * @packageDocumentation
 */

/**
 * Bytes pushed but not yet consumed, with the count of bytes consumed since the stream start.
 * Memory grows only with bytes actually received, never with a size read off the wire.
 * @public
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private head = 0;
  private pos = 0;
  /** Bytes available to read. */
  length = 0;
  /** Bytes consumed since the stream start: the offset of the next unread byte. */
  consumed = 0;

  /** The memory of the volatile chunks queued now (null: none is). */
  private volatile: ArrayBufferLike | null = null;

  /**
   * Appends a chunk as it came off the socket (kept by reference). `volatile`: the chunk is a view of a
   * buffer the next read overwrites; call {@link ByteQueue.keepVolatile} before that read.
   */
  push(chunk: Uint8Array, volatile = false): void {
    if (chunk.length === 0) return;
    this.chunks.push(
      Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length),
    );
    this.length += chunk.length;
    if (volatile) this.volatile = chunk.buffer;
  }

  /** Copies the unread rest of every volatile chunk, so that the buffer under them may be read into again. */
  keepVolatile(): void {
    const shared = this.volatile;
    if (shared === null) return;
    this.volatile = null;
    for (let i = this.head; i < this.chunks.length; i++) {
      const c = this.chunks[i]!;
      if (c.buffer !== shared) continue;
      const from = i === this.head ? this.pos : 0;
      this.chunks[i] = Buffer.from(c.subarray(from));
      if (i === this.head) this.pos = 0;
    }
  }

  /** Consumes `n` bytes as memory of their own: a copy where they lie in a volatile chunk, else {@link ByteQueue.take}. */
  takeKept(n: number): Buffer {
    const c = this.chunks[this.head];
    if (this.volatile === null || c === undefined || c.buffer !== this.volatile) return this.take(n);
    const out = Buffer.allocUnsafe(n);
    this.copyTo(out, 0, n);
    return out;
  }

  /** The byte `at` bytes past the read position (`at` < length). */
  u8(at: number): number {
    let i = this.head;
    let p = this.pos + at;
    for (let c = this.chunks[i]!; p >= c.length; c = this.chunks[i]!) {
      p -= c.length;
      i++;
    }
    return this.chunks[i]![p]!;
  }

  /** The be32 `at` bytes past the read position (`at` + 4 ≤ length). */
  u32(at: number): number {
    const c = this.chunks[this.head]!;
    const p = this.pos + at;
    if (p + 4 <= c.length) return c.readUInt32BE(p);
    return ((this.u8(at) << 24) | (this.u8(at + 1) << 16) | (this.u8(at + 2) << 8) | this.u8(at + 3)) >>> 0;
  }

  /** Bytes readable in the chunk at the read position (what `take` can return as a view). */
  get headLength(): number {
    const c = this.chunks[this.head];
    return c === undefined ? 0 : c.length - this.pos;
  }

  /** True when the next `n` bytes lie in one chunk (so `take(n)` returns a view). */
  contiguous(n: number): boolean {
    const c = this.chunks[this.head];
    return n === 0 || (c !== undefined && this.pos + n <= c.length);
  }

  /** Consumes `n` bytes: a view when they lie in one chunk, else a copy (`n` ≤ length). */
  take(n: number): Buffer {
    if (n === 0) return EMPTY;
    const c = this.chunks[this.head]!;
    if (this.pos + n <= c.length) {
      const view = c.subarray(this.pos, this.pos + n);
      this.skip(n);
      return view;
    }
    const out = Buffer.allocUnsafe(n);
    this.copyTo(out, 0, n);
    return out;
  }

  /** Consumes `n` bytes into `target` at `start` (`n` ≤ length). */
  copyTo(target: Buffer, start: number, n: number): void {
    let done = 0;
    while (done < n) {
      const c = this.chunks[this.head]!;
      const k = Math.min(n - done, c.length - this.pos);
      c.copy(target, start + done, this.pos, this.pos + k);
      done += k;
      this.skip(k);
    }
  }

  /** Consumes `n` bytes (`n` ≤ length), dropping chunks read to the end. */
  skip(n: number): void {
    this.length -= n;
    this.consumed += n;
    this.pos += n;
    for (
      let c = this.chunks[this.head];
      c !== undefined && this.pos >= c.length;
      c = this.chunks[this.head]
    ) {
      if (this.pos === c.length && this.head === this.chunks.length - 1 && this.length === 0) {
        this.chunks = [];
        this.head = 0;
        this.pos = 0;
        return;
      }
      this.pos -= c.length;
      this.chunks[this.head++] = EMPTY;
    }
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}

const EMPTY = Buffer.alloc(0);
