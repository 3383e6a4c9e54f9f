import type { Socket } from 'node:net';
import { LockstepError } from '../errors.js';
import type { Frame } from '../wire/index.js';
import { StreamDecoder } from '../wire/index.js';
import { type ChannelOwner, ChannelReader } from './channel-reader.js';
import { WorkerChannelReader, type WorkerStore } from './channel-worker.js';
import type { Link } from './link.js';
import { readIntoReusedBuffer } from './reused-read.js';

/**
 * Where received pages and frames go, in the order they were read. A live secondary's sink applies each
 * at once (SecondaryLoad.sink); a replay's holds them until its trace delivers them (`channel` says which
 * multifd channel read a page, so a replay can hold it with that channel's packet).
 * @public
 */
export interface ReceiverSink {
  /**
   * Pages `first`, `first + 1`, … (`data` is whole pages, a view valid only during the call): precopy's
   * runs, and a single page as a run of one. `channel`: the multifd channel that read them (none: main).
   */
  storeRun(first: number, data: Uint8Array, channel?: number): void;
  /**
   * Pages `indexes[0]`, `indexes[1]`, … at once, page `i` of `data` each (views valid only during the
   * call): a checkpoint's scattered pages, one call per piece instead of one call and one view per page.
   */
  storePages(indexes: Uint32Array, data: Uint8Array, channel?: number): void;
  storeZero(index: number, channel?: number): void;
  /**
   * Any other frame of the main channel, in order (during precopy, after the multifd barrier). Unlike
   * page data, its bytes (a vmstate blob, a digest) are its own: they may be kept past the call.
   */
  frame(frame: Frame): void;
  /** A decode error or a broken channel: the stream is over. */
  broken(error: Error): void;
}

/**
 * The secondary's multifd receive threads as the multifd-recv machine runs them, once COLO runs: which
 * thread reads now, and what its channel gave it. @public
 */
export interface MultifdThreads {
  /** The machines decide the multifd channels from now on (the COLO thread runs). */
  active(): boolean;
  /** The channel's receive thread is blocked in its read. */
  reading(channel: number): boolean;
  /** A whole packet is in (its pages already stored): `packet` or `sync-packet`. */
  packet(channel: number, sync: boolean): void;
  /** The channel's read ended (`eof`) or failed here (`read-error`). */
  end(channel: number, event: 'eof' | 'read-error'): void;
}

/** True if the indexes are consecutive and ascending. */
function isRun(indexes: Uint32Array): boolean {
  const first = indexes[0]!;
  for (let i = 1; i < indexes.length; i++) if (indexes[i] !== first + i) return false;
  return true;
}

/**
 * The destination's read side: the main channel decoded in order; multifd channels store their pages as
 * they come (`ChannelReader`). In COLO the multifd-recv machine decides the multifd channels
 * (`threads`): each packet, SYNC and end is an input of the node, whose multifd_recv_sync_main holds the
 * COLO thread until every SYNC is in. Precopy over multifd still takes the direct path: a MULTIFD_FLUSH on
 * the main channel holds every later frame until each channel has delivered its SYNC of that round
 * (docs/runtime.md says why).
 * @public
 */
export class RamReceiver {
  private readonly held: Frame[] = [];
  private flushes = 0;
  private readonly syncs: number[];
  private closed = false;
  private readonly readers: Array<ChannelReader | WorkerChannelReader>;
  /** Sockets read into a reused buffer (see the constructor's `reuseReads`). */
  readonly reusedReads: number;

  constructor(
    readonly link: Link,
    ramPages: number,
    private readonly sink: ReceiverSink,
    threads?: MultifdThreads,
    /** Each multifd channel's receive thread in a worker thread, storing into this shared memory. */
    workers?: WorkerStore,
    /**
     * Read the sockets into reused buffers (`readIntoReusedBuffer`, runtime/node/reused-read.ts): the live secondary's choice,
     * where every page is applied during its read. A sink that holds pages past the call (a replay's)
     * leaves it off. Never on the main channel of a multifd link, whose frames may wait for a SYNC.
     */
    reuseReads = false,
  ) {
    this.syncs = link.multifd.map(() => 0);
    // pages are stored as they come off the socket, straight from its chunk (streamPages), except on the
    // main channel of a multifd link: frames held behind a precopy multifd flush must stay valid
    const plain = link.multifd.length === 0;
    const main = new StreamDecoder({ ramPages, reuse: plain, streamPages: plain });
    const mainReused = this.read(link.main, main, plain && reuseReads, (frame) =>
      this.onFrame(frame, threads?.active() === true),
    );
    const colo = () => threads?.active() === true;
    this.readers = link.multifd.map((socket, id) => {
      const owner: ChannelOwner = {
        reading: (channel) => !colo() || threads!.reading(channel),
        pages: (indexes, data) => this.store(indexes, data, id),
        zero: (indexes) => {
          for (const index of indexes) this.sink.storeZero(index, id);
        },
        packet: (channel, sync) => (colo() ? threads!.packet(channel, sync) : this.synced(channel, sync)),
        end: (channel, event) =>
          colo()
            ? threads!.end(channel, event)
            : this.fail(new LockstepError('multifd-read', { message: String(channel), actual: event })),
      };
      return workers
        ? new WorkerChannelReader(socket, id, ramPages, owner, workers)
        : new ChannelReader(socket, id, ramPages, owner, reuseReads);
    });
    this.reusedReads =
      Number(mainReused) + this.readers.filter((r) => r instanceof ChannelReader && r.reusesReads).length;
  }

  /** A receive thread may read again (the node moved): each channel takes what waits for it. */
  resume(): void {
    for (const reader of this.readers) reader.drain();
  }

  /** multifd_recv_terminate_threads, yank: every multifd channel is shut; their reads fail. */
  shutdownMultifd(): void {
    for (const reader of this.readers) reader.shutdown();
  }

  /** Decodes the main channel; true if it reads into a reused buffer. */
  private read(socket: Socket, decoder: StreamDecoder, reuse: boolean, take: (item: Frame) => void): boolean {
    const decode = (chunk: Uint8Array, volatile: boolean) => {
      if (this.closed) return;
      try {
        decoder.push(chunk, volatile);
        for (let item = decoder.next(); item !== undefined; item = decoder.next()) take(item);
        if (volatile) decoder.keepVolatile();
      } catch (error) {
        this.fail(error as Error);
      }
    };
    socket.on('data', (chunk: Buffer) => decode(chunk, false));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new LockstepError('channel-closed')));
    return reuse && readIntoReusedBuffer(socket, (view) => decode(view, true));
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.broken(error);
  }

  private onFrame(frame: Frame, colo: boolean): void {
    // in COLO nothing is held here: MULTIFD_FLUSH's multifd_recv_sync_main is the node's (ram-loaded)
    if (colo) {
      if (frame.kind !== 'flush') this.handle(frame);
      return;
    }
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
  private store(indexes: Uint32Array, data: Uint8Array, channel?: number): void {
    const count = indexes.length;
    if (count === 0) return;
    if (indexes[count - 1] === indexes[0]! + count - 1 && isRun(indexes))
      this.sink.storeRun(indexes[0]!, data, channel);
    else this.sink.storePages(indexes, data, channel);
  }

  // precopy's direct path: the barrier of multifd_recv_sync_main, by hand
  private waitingForSync(): boolean {
    return this.syncs.some((count) => count < this.flushes);
  }

  private synced(channel: number, sync: boolean): void {
    if (!sync) return;
    this.syncs[channel] = (this.syncs[channel] ?? 0) + 1;
    while (this.held.length > 0 && !this.waitingForSync()) this.handle(this.held.shift()!);
  }
}
