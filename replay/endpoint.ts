/**
 * One end of a real TCP channel as the replay sees it: bytes are read off the socket as soon as they
 * arrive and decoded into a holding queue, but an item reaches the node only when the trace says so.
 * The holding queue is the model's link queue; the flags are its `shut`, `broken` and `dead`.
 * @packageDocumentation
 */
import type { Socket } from 'node:net';
import { LockstepError } from '../runtime/errors.js';

/** What a decoder turns received bytes into: the items it completed (possibly none yet). @public */
export type ItemDecoder<T> = (chunk: Buffer) => readonly T[];

/** A socket end with a holding queue of decoded items. @public */
export class Endpoint<T> {
  /** Items read off the socket and not yet handed to the node, oldest first. */
  readonly held: T[] = [];
  /** This side shut the channel (yank, failover, cancel, multifd terminate): reads fail, writes fail. */
  shut = false;
  /** The link broke under this end: every read and write fails. */
  broken = false;
  /** This end's process was killed. */
  dead = false;
  /** The peer closed or reset its end (FIN or RST seen): reads give EOF once the queue is empty. */
  peerGone = false;
  /** The read error of this channel has been reported to the node once (model: `errored`). */
  errorReported = false;
  /** Bytes this end received while reading. */
  received = 0;
  /** A decode error: the stream is not what lockstep sends. */
  decodeError: LockstepError | null = null;
  private readonly writtenBefore: number;

  constructor(
    /** Which channel, for messages (`main`, `multifd-0`, …). */
    readonly name: string,
    /** The real TCP socket. */
    readonly socket: Socket,
    decode: ItemDecoder<T>,
  ) {
    this.writtenBefore = socket.bytesWritten;
    socket.on('data', (chunk: Buffer) => {
      if (this.shut || this.broken) return; // a shut socket reads nothing more
      this.received += chunk.length;
      try {
        this.held.push(...decode(chunk));
      } catch (error) {
        if (error instanceof LockstepError) this.decodeError = error;
        else throw error;
      }
    });
    const gone = () => {
      this.peerGone = true;
    };
    socket.on('end', gone);
    socket.on('error', gone);
    socket.on('close', gone);
  }

  /**
   * Bytes handed to this end's socket so far, by the replay or by a production writer on the same socket
   * (RamSender, MultifdSendEdge): the scheduler's quiet point waits for the peer to have read them all.
   * The link's hello, written before this end took the socket, is not counted (nor read by the peer's).
   */
  get written(): number {
    return this.socket.bytesWritten - this.writtenBefore;
  }

  /** A write can succeed: nobody shut this channel, the link holds, the peer is there. */
  get writable(): boolean {
    return !this.closedHere && !this.peerGone;
  }

  /**
   * This end no longer reads: shut, broken, or its process killed. (Not `socket.destroyed`: Node destroys
   * a socket by itself once the peer's FIN arrived, which is EOF for the reader, not a local error.)
   */
  get closedHere(): boolean {
    return this.shut || this.broken || this.dead;
  }

  /** Writes chunks as one writev (cork/uncork); false, and nothing written, when the channel is not writable. */
  write(chunks: readonly Uint8Array[]): boolean {
    if (!this.writable) return false;
    this.socket.cork();
    for (const chunk of chunks) this.socket.write(chunk);
    this.socket.uncork();
    return true;
  }

  /**
   * io/channel-socket.c:qio_channel_socket_shutdown(BOTH): what was written still leaves (end flushes it,
   * then the FIN), nothing more is read or written.
   */
  shutdown(): void {
    if (this.shut) return;
    this.shut = true;
    this.socket.end(() => this.socket.destroy());
  }

  /** A link break under this end: the connection is reset, queued items are lost. */
  breakLink(): void {
    this.broken = true;
    this.held.length = 0;
    this.socket.resetAndDestroy();
  }

  /** The process died: its socket is closed by the kernel; what it held is gone with it. */
  kill(): void {
    this.dead = true;
    this.held.length = 0;
    this.socket.destroy();
  }
}

/**
 * migration/yank_functions.c and the failover paths: `main` shuts the migration channel (and with it the
 * return path, same socket), `multifd` every multifd channel, `all` (yank, the default) both.
 * @public
 */
export function shutdownScope(
  main: Endpoint<unknown> | null,
  multifd: readonly Endpoint<unknown>[],
  scope: 'main' | 'multifd' | 'all' = 'all',
): void {
  if (scope !== 'multifd') main?.shutdown();
  if (scope !== 'main') for (const channel of multifd) channel.shutdown();
}
