import type { Socket } from 'node:net';
import type { Frame, MultifdPacket } from '../wire/index.js';
import { MultifdDecoder, PAGE_SIZE, StreamDecoder } from '../wire/index.js';
import type { Link } from './link.js';

/** Where received pages and frames go. @public */
export interface ReceiverSink {
  /** A page's data (a view valid only during the call). */
  storePage(index: number, data: Uint8Array): void;
  /**
   * Optional: pages `first`, `first + 1`, … at once (`data` is whole pages, a view valid only during the
   * call); the same as {@link ReceiverSink.storePage} of each. Without it every page goes to `storePage`.
   */
  storeRun?(first: number, data: Uint8Array): void;
  /**
   * Optional: pages `indexes[0]`, `indexes[1]`, … at once, page `i` of `data` each (views valid only during
   * the call); the same as {@link ReceiverSink.storePage} of each. Scattered pages (a checkpoint's) go here
   * in one call per piece instead of one call and one view per page.
   */
  storePages?(indexes: Uint32Array, data: Uint8Array): void;
  storeZero(index: number): void;
  /** Any other frame of the main channel, in order, after the multifd barrier where there is one. */
  frame(frame: Frame): void;
  /** A decode error or a broken channel: the stream is over. */
  broken(error: Error): void;
}

/** True if the indexes are consecutive and ascending. */
function isRun(indexes: Uint32Array): boolean {
  const first = indexes[0]!;
  for (let i = 1; i < indexes.length; i++) if (indexes[i] !== first + i) return false;
  return true;
}

/**
 * The destination's read side: the main channel decoded in order; multifd channels store their pages as
 * they come; a MULTIFD_FLUSH on the main channel holds every later frame until each channel has
 * delivered its SYNC packet of that round (multifd.c:multifd_recv_sync_main).
 * @public
 */
export class RamReceiver {
  private readonly held: Frame[] = [];
  private flushes = 0;
  private readonly syncs: number[];
  private closed = false;

  constructor(
    readonly link: Link,
    ramPages: number,
    private readonly sink: ReceiverSink,
  ) {
    this.syncs = link.multifd.map(() => 0);
    // pages are stored as they come off the socket, straight from its chunk (streamPages), except on the
    // main channel of a multifd link: frames held behind a multifd flush must stay valid
    const plain = link.multifd.length === 0;
    const main = new StreamDecoder({ ramPages, reuse: plain, streamPages: plain });
    this.read(link.main, main, (frame) => this.onFrame(frame));
    link.multifd.forEach((socket, id) => {
      const decoder = new MultifdDecoder({ ramPages, reuse: true, streamPages: true });
      this.read(socket, decoder, (packet) => this.onPacket(id, packet));
    });
  }

  private read<T>(
    socket: Socket,
    decoder: { push(c: Uint8Array): unknown; next(): T | undefined },
    take: (item: T) => void,
  ) {
    socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      try {
        decoder.push(chunk);
        for (let item = decoder.next(); item !== undefined; item = decoder.next()) take(item);
      } catch (error) {
        this.fail(error as Error);
      }
    });
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('channel closed')));
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.broken(error);
  }

  private onFrame(frame: Frame): void {
    if (this.held.length > 0 || this.waitingForSync()) {
      this.held.push(frame);
      return;
    }
    this.handle(frame);
  }

  private handle(frame: Frame): void {
    if (frame.kind === 'page') this.sink.storePage(frame.index, frame.data);
    else if (frame.kind === 'zero') this.sink.storeZero(frame.index);
    else if (frame.kind === 'batch') this.store(frame.indexes, frame.data);
    else if (frame.kind === 'flush') this.flushes++;
    else this.sink.frame(frame);
  }

  /** Pages in order; runs of consecutive indexes go to the sink's `storeRun` when it has one. */
  private store(indexes: Uint32Array, data: Uint8Array): void {
    const { sink } = this;
    const count = indexes.length;
    if (count === 0) return;
    // one run (precopy's pages) to storeRun; anything else, when the sink takes lists, in one call
    if (sink.storeRun !== undefined && indexes[count - 1] === indexes[0]! + count - 1 && isRun(indexes)) {
      if (count === 1) sink.storePage(indexes[0]!, data);
      else sink.storeRun(indexes[0]!, data);
      return;
    }
    if (sink.storePages !== undefined) {
      sink.storePages(indexes, data);
      return;
    }
    if (sink.storeRun === undefined) {
      for (let i = 0; i < count; i++)
        sink.storePage(indexes[i]!, data.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE));
      return;
    }
    for (let start = 0; start < count; ) {
      let end = start + 1;
      while (end < count && indexes[end] === indexes[start]! + (end - start)) end++;
      const view = data.subarray(start * PAGE_SIZE, end * PAGE_SIZE);
      if (end - start === 1) sink.storePage(indexes[start]!, view);
      else sink.storeRun(indexes[start]!, view);
      start = end;
    }
  }

  private waitingForSync(): boolean {
    return this.syncs.some((count) => count < this.flushes);
  }

  private onPacket(_channel: number, packet: MultifdPacket): void {
    this.store(packet.normal, packet.data);
    for (const index of packet.zero) this.sink.storeZero(index);
    if (!packet.sync) return;
    this.syncs[packet.channel] = (this.syncs[packet.channel] ?? 0) + 1;
    while (this.held.length > 0 && !this.waitingForSync()) this.handle(this.held.shift()!);
  }
}
