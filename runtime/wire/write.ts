/**
 * Putting chunk lists on a socket: corked so Node hands them to the kernel as one writev.
 * @packageDocumentation
 */
import type { Writable } from 'node:stream';

/**
 * Writes the chunks corked (one writev on a net.Socket). Returns false when the caller should wait
 * for 'drain' before writing more, as Writable.write does.
 * @public
 */
export function writeChunks(stream: Writable, chunks: readonly Uint8Array[]): boolean {
  stream.cork();
  let ok = true;
  for (const chunk of chunks) ok = stream.write(chunk);
  stream.uncork();
  return ok;
}
