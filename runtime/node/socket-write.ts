import type { Socket } from 'node:net';
import { fail, LockstepError } from '../errors.js';
import { MAX_BATCH_PAGES, PAGE_SIZE } from '../wire/index.js';

/**
 * Bytes that may wait in a socket's user-space queue before a write waits for it to drain: a couple of
 * batches in flight, so building the next batch overlaps sending the last (the queue stays bounded).
 * @internal
 */
export const IN_FLIGHT = 3 * MAX_BATCH_PAGES * PAGE_SIZE;

/** More than {@link IN_FLIGHT} bytes wait in the socket's queue: a blocking write would not return yet. @internal */
export const congested = (socket: Socket): boolean => socket.writableLength > IN_FLIGHT;

/**
 * Hands chunks to the socket as one writev (cork/uncork) without waiting; `written` runs once the last
 * one is in the kernel (or failed). Returns the bytes; throws if the socket is already closed.
 * @internal
 */
export function writeNow(socket: Socket, chunks: readonly Uint8Array[], written?: () => void): number {
  let bytes = 0;
  if (socket.destroyed) fail('channel-closed');
  if (chunks.length > 1) socket.cork();
  for (const [i, chunk] of chunks.entries()) {
    bytes += chunk.byteLength;
    socket.write(chunk, i === chunks.length - 1 ? written : undefined);
  }
  if (chunks.length > 1) socket.uncork();
  return bytes;
}

/** {@link writeNow}, then waits for the socket to drain when it is {@link congested}. @internal */
export async function write(
  socket: Socket,
  chunks: readonly Uint8Array[],
  written?: () => void,
): Promise<number> {
  const bytes = writeNow(socket, chunks, written);
  if (congested(socket)) await drainedOrClosed(socket);
  if (socket.destroyed) fail('channel-closed');
  return bytes;
}

/** A peer that died never drains its socket: a close or an error must end the wait too. */
function drainedOrClosed(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      socket.off('drain', onDrain).off('close', onClose).off('error', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new LockstepError('channel-closed'));
    socket.once('drain', onDrain).once('close', onClose).once('error', onClose);
  });
}

/**
 * Resolves once everything written so far has reached the kernel; rejects if the socket broke. Nothing
 * queued in user space (every write went straight into the kernel) resolves at once, without a write.
 * @internal
 */
export function flushed(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed) return reject(new LockstepError('channel-closed'));
    if (socket.writableLength === 0) return resolve();
    socket.write(Buffer.alloc(0), (error) => (error ? reject(error) : resolve()));
  });
}
