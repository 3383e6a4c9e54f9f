import type { Socket } from 'node:net';
import type { Frame, MultifdPacket } from '../wire/index.js';
import { MultifdDecoder, StreamDecoder } from '../wire/index.js';
import type { Link } from './link.js';

/** Where received pages and frames go. @public */
export interface ReceiverSink {
  /**
   * Pages `first`, `first + 1`, … (`data` is whole pages, a view valid only during the call): precopy's
   * runs, and a single page as a run of one.
   */
  storeRun(first: number, data: Uint8Array): void;
  /**
   * Pages `indexes[0]`, `indexes[1]`, … at once, page `i` of `data` each (views valid only during the
   * call): a checkpoint's scattered pages, one call per piece instead of one call and one view per page.
   */
  storePages(indexes: Uint32Array, data: Uint8Array): void;
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
    if (frame.kind === 'page') this.sink.storeRun(frame.index, frame.data);
    else if (frame.kind === 'zero') this.sink.storeZero(frame.index);
    else if (frame.kind === 'batch') this.store(frame.indexes, frame.data);
    else if (frame.kind === 'flush') this.flushes++;
    else this.sink.frame(frame);
  }

  /** A batch's pages: one run (precopy's pages) to `storeRun`, anything else to `storePages`. */
  private store(indexes: Uint32Array, data: Uint8Array): void {
    const count = indexes.length;
    if (count === 0) return;
    if (indexes[count - 1] === indexes[0]! + count - 1 && isRun(indexes))
      this.sink.storeRun(indexes[0]!, data);
    else this.sink.storePages(indexes, data);
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
