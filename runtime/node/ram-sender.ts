import { fail } from '../errors.js';
import type { GuestRam } from '../guest/index.js';
import type { Frame } from '../wire/index.js';
import {
  encodeBatch,
  encodeFrame,
  encodeMultifdPacket,
  encodeZero,
  MAX_BATCH_PAGES,
  PAGE_SIZE,
} from '../wire/index.js';
import type { Link } from './link.js';
import { flushed, IN_FLIGHT, write, writeNow } from './socket-write.js';

/**
 * Batch buffers one socket can hold at once: {@link IN_FLIGHT}'s worth queued before a write waits, and
 * the one being built. The pool keeps that many per page-carrying socket (and two more), so a checkpoint
 * over N multifd channels, whose N writes are in flight together, reuses buffers instead of allocating
 * fresh 4 MiB ones (whose first touch is page faults inside the pause, and whose release is GC).
 */
const PER_SOCKET = IN_FLIGHT / (MAX_BATCH_PAGES * PAGE_SIZE) + 1;

const NONE = new Uint32Array(0);

/** True if the pages are consecutive and ascending (a list may repeat or be out of order). */
function isRun(pages: readonly number[]): boolean {
  const first = pages[0]!;
  for (let i = 1; i < pages.length; i++) if (pages[i] !== first + i) return false;
  return true;
}

/** What one batch put on the wire (see {@link RamSender.pages}). @public */
export interface SentBatch {
  /** Pages sent with their data, in the order of `data`. */
  readonly normal: readonly number[];
  /** Pages sent as zero flags. */
  readonly zero: readonly number[];
  /** `normal.length` pages of data; valid only during the call. */
  readonly data: Uint8Array;
}

/**
 * The primary's RAM stream (ram.c:ram_save_iterate / ram_save_complete, multifd-nocomp.c), as data path:
 * pages in batches on the main channel; in a COLO checkpoint over multifd, each packet and SYNC the
 * multifd-send machine's channel threads write ({@link RamSender.packet}, {@link RamSender.syncPacket});
 * precopy over multifd still goes the direct way of {@link RamSender.pages} (docs/runtime.md).
 * @public
 */
export class RamSender {
  private packetNum = 0;
  /** Batch buffers whose writes have completed, reused instead of allocating 4 MiB per batch. */
  private readonly pool: Buffer[] = [];
  /** Free batch buffers kept (see {@link PER_SOCKET}). */
  private readonly poolSize: number;
  private next = 0;
  /** Guest RAM as one Buffer, for Buffer#copy into batch buffers. */
  private ram: Buffer | undefined;
  /** A batch's worth of bytes never sent: encodeBatch's length check, when the data go as views. */
  private unused: Buffer | undefined;

  constructor(
    private readonly link: Link,
    private readonly guest: GuestRam,
  ) {
    this.poolSize = PER_SOCKET * Math.max(1, link.multifd.length) + 2;
  }

  /** Frames on the main channel (COLO messages, header, digests, EOF, the device blob). */
  frames(frames: readonly Frame[]): Promise<number> {
    return write(
      this.link.main,
      frames.flatMap((frame) => encodeFrame(frame)),
    );
  }

  /**
   * One round of pages; zero pages travel as flags. Returns the bytes written. With multifd channels
   * (precopy's direct path, not decided by the machines) the batches go round robin as packets, then a
   * SYNC on every channel and MULTIFD_FLUSH on the main channel (multifd_ram_flush_and_sync). `sent` is
   * called with each batch once it is handed to the socket, while it is being sent, with what went: the
   * normal pages and their data as sent (a view of guest RAM, or the batch buffer they were just copied
   * into, which is still in the CPU's cache: hashing it there is cheaper than reading guest RAM again),
   * and the zero pages. With `views` and no `sent` (a checkpoint: the VM stays stopped until every byte
   * is in the kernel), a batch on the main channel is written as views of guest RAM, one per run of
   * pages, in one writev: the kernel copies the pages straight from guest RAM (QEMU's iovecs), with no
   * gather copy into a batch buffer first.
   */
  async pages(
    pages: readonly number[],
    sent?: (batch: readonly number[], what: SentBatch) => void,
    { views = false }: { readonly views?: boolean } = {},
  ): Promise<number> {
    let bytes = 0;
    const asViews = views && sent === undefined && this.link.multifd.length === 0;
    for (let at = 0; at < pages.length; at += MAX_BATCH_PAGES) {
      const group = pages.slice(at, at + MAX_BATCH_PAGES);
      if (asViews) {
        bytes += await this.viewsBatch(group);
        continue;
      }
      // batch() hands its chunks to the socket before it returns: `sent` overlaps their transfer
      const { written, what } = this.batch(group);
      sent?.(group, what);
      bytes += await written;
    }
    if (this.link.multifd.length > 0) bytes += await this.sync();
    return bytes;
  }

  /**
   * multifd.c:multifd_send_thread writing its p->data: one packet of `pages` (at most MAX_BATCH_PAGES)
   * on `channel`, handed to the socket without waiting (the node's scheduler holds the channel's next
   * write while the socket is congested). Returns the bytes and what went, as `pages` reports a batch.
   * Throws if the channel is closed.
   */
  packet(channel: number, pages: readonly number[]): { bytes: number; what: SentBatch } {
    const what = this.split(pages);
    const { data, release } = this.data(what.normal);
    const packet = {
      channel,
      packetNum: this.packetNum++,
      sync: false,
      normal: Uint32Array.from(what.normal),
      zero: Uint32Array.from(what.zero),
      data,
    };
    const bytes = writeNow(this.socketOf(channel), encodeMultifdPacket(packet), release);
    return { bytes, what: { ...what, data } };
  }

  /** multifd.c:multifd_send_thread: a SYNC packet (MULTIFD_FLAG_SYNC, no pages) on `channel`. */
  syncPacket(channel: number): number {
    return writeNow(this.socketOf(channel), encodeMultifdPacket(this.sync0(channel)));
  }

  /** Everything written so far is in the kernel on every channel. */
  async drained(): Promise<void> {
    await Promise.all([this.link.main, ...this.link.multifd].map(flushed));
  }

  /** Everything written so far on the multifd channels is in the kernel. */
  async multifdDrained(): Promise<void> {
    await Promise.all(this.link.multifd.map(flushed));
  }

  private socketOf(channel: number) {
    const socket = this.link.multifd[channel];
    if (!socket) fail('no-such-channel', { actual: channel, limit: this.link.multifd.length });
    return socket;
  }

  private split(pages: readonly number[]): { normal: number[]; zero: number[] } {
    const normal: number[] = [];
    const zero: number[] = [];
    for (const page of pages) (this.guest.isZero(page) ? zero : normal).push(page);
    return { normal, zero };
  }

  private batch(group: readonly number[]): { written: Promise<number>; what: SentBatch } {
    const { normal, zero } = this.split(group);
    const { data, release } = this.data(normal);
    return { written: this.send(normal, zero, data, release), what: { normal, zero, data } };
  }

  /** A batch on the main channel as its frame header and one view of guest RAM per run of its pages. */
  private viewsBatch(group: readonly number[]): Promise<number> {
    const { normal, zero } = this.split(group);
    const chunks: Uint8Array[] = zero.map(encodeZero);
    if (normal.length > 0) {
      const bytes = this.guest.bytes;
      this.unused ??= Buffer.alloc(MAX_BATCH_PAGES * PAGE_SIZE);
      // encodeBatch checks the data's length only: the header is all that is taken from it
      chunks.push(encodeBatch(normal, this.unused.subarray(0, normal.length * PAGE_SIZE))[0]!);
      for (let i = 0; i < normal.length; ) {
        const first = normal[i]!;
        let end = i + 1;
        while (end < normal.length && normal[end] === first + (end - i)) end++;
        this.guest.page(first); // range checks with the guest's error
        this.guest.page(normal[end - 1]!);
        chunks.push(
          new Uint8Array(bytes.buffer, bytes.byteOffset + first * PAGE_SIZE, (end - i) * PAGE_SIZE),
        );
        i = end;
      }
    }
    return write(this.link.main, chunks);
  }

  private send(
    normal: readonly number[],
    zero: readonly number[],
    data: Buffer,
    release: (() => void) | undefined,
  ): Promise<number> {
    const channels = this.link.multifd;
    if (channels.length === 0) {
      const chunks = [...zero.map(encodeZero), ...(normal.length ? encodeBatch(normal, data) : [])];
      return write(this.link.main, chunks, release);
    }
    const channel = this.next++ % channels.length;
    const packet = {
      channel,
      packetNum: this.packetNum++,
      sync: false,
      normal: Uint32Array.from(normal),
      zero: Uint32Array.from(zero),
      data,
    };
    return write(channels[channel]!, encodeMultifdPacket(packet), release);
  }

  /**
   * The batch's page data: a view of guest RAM when the pages are one run (as QEMU sends from guest RAM:
   * a page the running guest changes after this is dirty again and goes in the next round; during a
   * checkpoint the VM is stopped until the stream has drained), else the pages copied together.
   */
  private data(normal: readonly number[]): { data: Buffer; release?: () => void } {
    const bytes = this.guest.bytes;
    const first = normal[0];
    if (first === undefined) return { data: Buffer.alloc(0) };
    if (isRun(normal)) {
      this.guest.page(first); // range checks with the guest's error
      this.guest.page(first + normal.length - 1);
      return {
        data: Buffer.from(bytes.buffer, bytes.byteOffset + first * PAGE_SIZE, normal.length * PAGE_SIZE),
      };
    }
    const buffer = this.pool.pop() ?? Buffer.allocUnsafe(MAX_BATCH_PAGES * PAGE_SIZE);
    // Buffer#copy from one view of all of RAM: no view made per page
    this.ram ??= Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < normal.length; i++) {
      const page = normal[i]!;
      if (!Number.isInteger(page) || page < 0 || page >= this.guest.pageCount) this.guest.page(page); // its error
      this.ram.copy(buffer, i * PAGE_SIZE, page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
    }
    return { data: buffer.subarray(0, normal.length * PAGE_SIZE), release: () => this.release(buffer) };
  }

  /** A batch buffer the socket is done with (its write completed or failed) goes back to the pool. */
  private release(buffer: Buffer): void {
    if (this.pool.length < this.poolSize) this.pool.push(buffer);
  }

  private sync0(channel: number) {
    return {
      channel,
      packetNum: this.packetNum++,
      sync: true,
      normal: NONE,
      zero: NONE,
      data: Buffer.alloc(0),
    };
  }

  // precopy: multifd.c:multifd_send_sync_main, a SYNC packet on every channel, then the flush on the main channel
  private async sync(): Promise<number> {
    let bytes = 0;
    for (const [channel, socket] of this.link.multifd.entries())
      bytes += await write(socket, encodeMultifdPacket(this.sync0(channel)));
    return bytes + (await this.frames([{ kind: 'flush' }]));
  }
}
