import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { connectLink } from '../../../runtime/node/index.js';

describe('the source side of a link whose peer dies', () => {
  it('an RST on every channel, multifd ones included, closes them without an unhandled error event', async () => {
    // a destination that accepts the main channel and two multifd channels, then dies with RSTs
    const accepted: Socket[] = [];
    const server = createServer((socket) => {
      socket.on('error', () => {});
      accepted.push(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const link = await connectLink(`tcp:127.0.0.1:${port}`, 2);
    await expect.poll(() => accepted.length).toBe(3);
    // (events.once would reject on the 'error' itself; the close is what the readers wait for)
    const closed = [link.main, ...link.multifd].map(
      (socket) => new Promise((resolve) => socket.once('close', resolve)),
    );
    // the primary's multifd sockets are idle between checkpoints: nothing waits for a drain on them
    for (const socket of accepted) socket.resetAndDestroy();
    await Promise.all(closed);
    expect([link.main, ...link.multifd].every((socket) => socket.destroyed)).toBe(true);
    server.close();
  });
});
