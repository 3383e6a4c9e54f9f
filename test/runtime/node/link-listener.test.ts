import { once } from 'node:events';
import { connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { LockstepError } from '../../../runtime/errors.js';
import { type Link, listenLink, MAX_PENDING_HANDSHAKES } from '../../../runtime/node/index.js';

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

  it('idle connections are not held: past MAX_PENDING_HANDSHAKES at once the next is closed at once, the rest at the timeout', async () => {
    // issue 17: 3,000 idle connections were held forever, and at the fd limit new QMP clients got EOF
    const rig = await listener(0, 1_000);
    const idle = await Promise.all(Array.from({ length: MAX_PENDING_HANDSHAKES }, () => dial(rig.port, [])));
    await expect.poll(() => rig.refused.length).toBe(0);
    const over = await dial(rig.port, []);
    await once(over, 'close');
    expect(rig.refused).toHaveLength(1);
    await Promise.all(idle.map((socket) => once(socket, 'close')));
    expect(rig.refused).toHaveLength(MAX_PENDING_HANDSHAKES + 1);
    expect(new Set(rig.refused.map((e) => e.code))).toEqual(new Set(['handshake-timeout']));
    // the slots are free again: a peer gets its link
    await dial(rig.port, MAIN);
    await expect.poll(() => rig.links.length).toBe(1);
  });

  it('once its peer is linked, a connection that says hello then EOF reaches nothing (a failed incoming is not resumed)', async () => {
    // issue 17: a failed incoming migration was resumed by a new connection sending EOF
    const rig = await listener(0);
    const peer = await dial(rig.port, MAIN);
    await expect.poll(() => rig.links.length).toBe(1);
    peer.resetAndDestroy();
    const after = await dial(rig.port, MAIN);
    after.end();
    await once(after, 'close');
    expect(rig.refused.map((e) => e.code)).toEqual(['extra-connection']);
    expect(rig.links).toHaveLength(1);
  });

  it('an unknown channel id is refused while the link is still forming', async () => {
    const rig = await listener(2);
    const unknown = await dial(rig.port, [0, 0, 0, 7]);
    await once(unknown, 'close');
    expect(rig.refused.map((e) => e.code)).toEqual(['unknown-channel']);
    expect(rig.refused[0]!.message).toMatch(/hello 0x00000007/);
  });
});
