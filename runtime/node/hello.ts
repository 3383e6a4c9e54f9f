import type { Socket } from 'node:net';

/** What a connection's first bytes were: a whole hello word, or fewer than 4 bytes before it ended. */
export type Hello = { readonly word: number } | { readonly short: number };

/**
 * Reads the 4-byte hello a migration channel opens with. A connection that ends or is reset before
 * the fourth byte gives `short` with the bytes it sent (never a read past the end of a short buffer).
 * Bytes after the hello stay in the socket for whoever reads the channel next.
 * @internal
 */
export function readHello(socket: Socket, done: (hello: Hello) => void): void {
  let finished = false;
  const finish = (hello: Hello) => {
    if (finished) return;
    finished = true;
    socket.off('readable', onReadable).off('end', onEnd).off('close', onEnd);
    done(hello);
  };
  const onReadable = () => {
    // read(4) gives null until 4 bytes are buffered, or what is left (fewer) once the peer ended
    const word = socket.read(4) as Buffer | null;
    if (word === null) return;
    finish(word.length < 4 ? { short: word.length } : { word: word.readUInt32BE(0) });
  };
  const onEnd = () => finish({ short: Math.min(3, socket.bytesRead) });
  socket.on('readable', onReadable).on('end', onEnd).on('close', onEnd);
}
