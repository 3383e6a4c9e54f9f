import type { Socket } from 'node:net';
import { LockstepError } from '../errors.js';
import { MultifdDecoder } from '../wire/index.js';
import { readIntoReusedBuffer } from './reused-read.js';

/** Who reads one multifd channel, and where its pages and packets go. @internal */
export interface ChannelOwner {
  /** The channel's receive thread is blocked in its read (multifd_recv_thread): only then are bytes taken. */
  reading(channel: number): boolean;
  /** Pages of the packet being read, as they come off the socket (views valid only during the call). */
  pages(indexes: Uint32Array, data: Uint8Array): void;
  /** Zero pages of the packet being read (they come with its last piece). */
  zero(indexes: Uint32Array): void;
  /** The whole packet is in: a data packet, or the SYNC packet of a round. */
  packet(channel: number, sync: boolean): void;
  /** The channel's read ended: the peer closed it (`eof`), or it failed here (a shutdown, a bad or cut packet). */
  end(channel: number, event: 'eof' | 'read-error'): void;
}

/**
 * One multifd channel of the secondary (multifd.c:multifd_recv_thread's reads). A packet's pages are
 * stored as they come off the socket, straight from its chunks, as QEMU's receive reads the payload into
 * the colo cache through p->iov; the owner hears `packet` once the last byte is in. Bytes are taken only
 * while the owner says the thread reads: after a SYNC packet the thread waits for
 * multifd_recv_sync_main, and what follows stays in the socket (paused) until it reads again.
 * @internal
 */
export class ChannelReader {
  private readonly decoder: MultifdDecoder;
  /** The peer closed its end (FIN or RST): once the buffered packets are read, the read gives EOF. */
  private peerGone = false;
  /** This side shut the channel: the next read fails. */
  private shut = false;
  private decodeError = false;
  private ended = false;
  private draining = false;
  private paused = false;
  /** The socket is read into a reused buffer. */
  readonly reusesReads: boolean;

  constructor(
    private readonly socket: Socket,
    private readonly channel: number,
    ramPages: number,
    private readonly owner: ChannelOwner,
    /** Read the socket into one reused buffer (`readIntoReusedBuffer`, runtime/node/reused-read.ts) where it can. */
    reuseReads = false,
  ) {
    this.decoder = new MultifdDecoder({ ramPages, reuse: true, streamPages: true });
    socket.on('data', (chunk: Buffer) => this.take(chunk, false));
    this.reusesReads = reuseReads && readIntoReusedBuffer(socket, (view) => this.take(view, true));
    const gone = () => {
      this.peerGone = true;
      this.drain();
    };
    socket.on('end', gone).on('error', gone).on('close', gone);
  }

  private take(chunk: Uint8Array, volatile: boolean): void {
    if (this.ended || this.shut) return;
    this.decoder.push(chunk, volatile);
    this.drain();
    // what the thread did not read yet (it waits for multifd_recv_sync_main) outlives this read's buffer
    if (volatile) this.decoder.keepVolatile();
  }

  /** io/channel-socket.c:qio_channel_shutdown: nothing more is read; the thread's read fails. */
  shutdown(): void {
    this.shut = true;
    this.socket.destroy();
    this.drain();
  }

  /** The thread may be reading again (multifd_recv_sync_main released it): take what waits. */
  drain(): void {
    if (this.draining || this.ended) return;
    this.draining = true;
    try {
      while (!this.ended && this.owner.reading(this.channel) && this.readOne());
    } finally {
      this.draining = false;
    }
    if (this.ended || this.socket.destroyed) return;
    // while the thread is not in read() the bytes wait in the kernel, as they would in QEMU
    const paused = !this.owner.reading(this.channel);
    if (paused === this.paused) return;
    this.paused = paused;
    if (paused) this.socket.pause();
    else this.socket.resume();
  }

  /** One piece of a packet, or the read's end. False when nothing more can be read now. */
  private readOne(): boolean {
    if (this.shut || this.decodeError) return this.end('read-error');
    let piece: ReturnType<MultifdDecoder['next']>;
    try {
      piece = this.decoder.next();
      if (piece === undefined) {
        if (!this.peerGone) return false;
        // EOF before a header is a clean end; in the middle of a packet it is an error
        return this.end(this.decoder.inItem || this.decoder.buffered > 0 ? 'read-error' : 'eof');
      }
      if (piece.normal.length > 0) this.owner.pages(piece.normal, piece.data);
      if (piece.zero.length > 0) this.owner.zero(piece.zero);
    } catch (error) {
      if (!(error instanceof LockstepError)) throw error;
      // multifd_recv_unfill_packet refused the header, or the pages could not be stored: a read error
      this.decodeError = true;
      return true;
    }
    if (!this.decoder.inItem) this.owner.packet(this.channel, piece.sync);
    return true;
  }

  private end(event: 'eof' | 'read-error'): false {
    this.ended = true;
    this.owner.end(this.channel, event);
    return false;
  }
}
