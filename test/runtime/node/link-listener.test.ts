import { once } from 'node:events';
import { connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { LockstepError } from '../../../runtime/errors.js';
import { type Link, listenLink } from '../../../runtime/node/index.js';

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) server.close();
});

async function listener(channels: number, handshakeTimeoutMs = 5_000) {
  const links: Link[] = [];
  const refused: LockstepError[] = [];
  const server = await listenLink('tcp:127.0.0.1:0', channels, (link) => links.push(link), {
    handshakeTimeoutMs,
    refused: (error) => refused.push(error),
  });
  servers.push(server);
  return { port: (server.address() as { port: number }).port, links, refused };
}

async function dial(port: number, bytes: number[]): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  sockets.push(socket);
  await once(socket, 'connect');
  if (bytes.length > 0) socket.write(Buffer.from(bytes));
  return socket;
}

const MAIN = [0xff, 0xff, 0xff, 0xff];

describe('the migration listener (listenLink) against connections that are not its peer', () => {
  it('a short hello and a reset are refused with their byte count, never a RangeError', async () => {
    const rig = await listener(0);
    const short = await dial(rig.port, [1, 2]);
    short.end();
    await once(short, 'close');
    const reset = await dial(rig.port, []);
    reset.resetAndDestroy();
    await expect.poll(() => rig.refused.length).toBe(2);
    expect(rig.refused.map((e) => e.code)).toEqual(['short-hello', 'short-hello']);
    expect(rig.refused[0]!.message).toMatch(/ended after 2 of the 4 hello bytes/);
    expect(rig.links).toEqual([]);
  });

  it('a hello that does not come within the handshake timeout is dropped by the listener', async () => {
    const rig = await listener(0, 300);
    const slow = await dial(rig.port, [0xff]);
    const started = performance.now();
    await once(slow, 'close');
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(rig.refused.map((e) => e.code)).toEqual(['handshake-timeout']);
  });

  it('one link per incoming: a second hello after the channels are there is refused, the link stays', async () => {
    const rig = await listener(1);
    await dial(rig.port, MAIN);
    const duplicate = await dial(rig.port, MAIN);
    await once(duplicate, 'close');
    expect(rig.refused.map((e) => e.code)).toEqual(['duplicate-channel']);
    await dial(rig.port, [0, 0, 0, 0]);
    await expect.poll(() => rig.links.length).toBe(1);
    const intruder = await dial(rig.port, MAIN);
    await once(intruder, 'close');
    const unknown = await dial(rig.port, [0, 0, 0, 9]);
    await once(unknown, 'close');
    expect(rig.refused.map((e) => e.code)).toEqual([
      'duplicate-channel',
      'extra-connection',
      'extra-connection',
    ]);
    expect(rig.links.length).toBe(1);
  });

  it('an unknown channel id is refused while the link is still forming', async () => {
    const rig = await listener(2);
    const unknown = await dial(rig.port, [0, 0, 0, 7]);
    await once(unknown, 'close');
    expect(rig.refused.map((e) => e.code)).toEqual(['unknown-channel']);
    expect(rig.refused[0]!.message).toMatch(/hello 0x00000007/);
  });
});
