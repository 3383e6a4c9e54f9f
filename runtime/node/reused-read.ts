import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

/**
 * The event a socket read through {@link readIntoReusedBuffer} emits after each read (with the byte
 * count), for those who only need to know that bytes came (the peer watch), since no `data` event does.
 * @internal
 */
export const REUSED_READ_EVENT = 'lockstep:reused-read';

/** Bytes of each reused read buffer: a socket read takes at most this much (Node's own reads take 64 KiB). */
export const REUSED_READ_BYTES = 256 * 1024;

/** The parts of a TCP socket's libuv handle and of net.Socket that `onread` uses inside Node. */
interface UserBufferHandle {
  useUserBuffer?: (buffer: Uint8Array) => void;
}

/**
 * Makes an accepted TCP socket read into one buffer it owns for good, instead of a fresh Buffer per read
 * (what `net.connect({ onread })` gives a socket one connects; `net.createServer` has no such option for
 * the sockets it accepts, so this sets the same two fields Node's own `onread` sets). Each read is
 * handed to `onView` as a view of that buffer, valid only during the call: whoever keeps bytes past it
 * copies them. Bytes Node had read before the switch still come as `data` events.
 *
 * Why: a fresh 64 KiB Buffer per read is ~33 MB of new external memory per checkpoint on the secondary,
 * which is what drove its mark-compacts into the pause (docs/perf/pause-profile.md, lesson 5), and the
 * allocation caps a loopback reader at about a third of the socket's rate (docs/perf/reused-read.md).
 *
 * Returns false, changing nothing, where it cannot apply: a TLS socket (its reads are the TLS layer's),
 * a socket without a handle, or a Node whose internals differ; the caller then reads `data` as before.
 * @internal
 */
export function readIntoReusedBuffer(socket: Socket, onView: (view: Uint8Array) => void): boolean {
  if (socket instanceof TLSSocket) return false;
  const handle = (socket as unknown as { _handle?: UserBufferHandle | null })._handle;
  if (typeof handle?.useUserBuffer !== 'function') return false;
  const symbols = Object.getOwnPropertySymbols(socket);
  const kBuffer = symbols.find((s) => s.description === 'kBuffer');
  const kBufferCb = symbols.find((s) => s.description === 'kBufferCb');
  if (kBuffer === undefined || kBufferCb === undefined) return false;
  const fields = socket as unknown as Record<symbol, unknown>;
  if (fields[kBuffer] !== null || fields[kBufferCb] !== null) return false;
  const buffer = Buffer.allocUnsafe(REUSED_READ_BYTES);
  fields[kBuffer] = buffer;
  fields[kBufferCb] = (nread: number) => {
    onView(buffer.subarray(0, nread));
    socket.emit(REUSED_READ_EVENT, nread);
  };
  handle.useUserBuffer(buffer);
  return true;
}
