import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChannelOwner, ChannelReader } from '../../../runtime/node/channel-reader.js';
import { encodeMultifdPacket } from '../../../runtime/wire/index.js';

const NONE = new Uint32Array(0);
const packet = (pages: number[], sync = false) =>
  Buffer.concat(
    encodeMultifdPacket({
      channel: 0,
      packetNum: 0,
      sync,
      normal: Uint32Array.from(pages),
      zero: NONE,
      data: Buffer.alloc(pages.length * 4096, 7),
    }),
  );

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

/** A connected pair: what the test writes on `peer` is read by a ChannelReader on the other end. */
async function rig() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const peer = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
  const [socket] = await accepted;
  server.close();
  sockets.push(peer, socket);
  const seen: string[] = [];
  let reading = true;
  const owner: ChannelOwner = {
    reading: () => reading,
    pages: (indexes) => seen.push(`pages ${[...indexes].join(',')}`),
    zero: (indexes) => seen.push(`zero ${[...indexes].join(',')}`),
    packet: (_channel, sync) => {
      seen.push(sync ? 'sync-packet' : 'packet');
      if (sync) reading = false; // multifd_recv_thread waits for multifd_recv_sync_main
    },
    end: (_channel, event) => seen.push(event),
  };
  const reader = new ChannelReader(socket, 0, 64, owner);
  const until = async (what: string) => {
    for (let i = 0; i < 200 && !seen.includes(what); i++) await new Promise((r) => setTimeout(r, 5));
  };
  return { peer, reader, seen, until, read: () => (reading = true) };
}

describe('a multifd channel read by its receive thread (multifd.c:multifd_recv_thread)', () => {
  it('pages as they arrive, the packet when whole; after a SYNC nothing is read until the thread reads again', async () => {
    const { peer, reader, seen, until, read } = await rig();
    peer.write(Buffer.concat([packet([1, 2]), packet([], true), packet([3])]));
    await until('sync-packet');
    await new Promise((r) => setTimeout(r, 30));
    expect(seen).toEqual(['pages 1,2', 'packet', 'sync-packet']);
    read();
    reader.drain();
    await until('packet');
    expect(seen.slice(3)).toEqual(['pages 3', 'packet']);
  });

  it("the peer's FIN between packets is EOF; in the middle of one it is a read error", async () => {
    const clean = await rig();
    clean.peer.end(packet([1]));
    await clean.until('eof');
    expect(clean.seen).toEqual(['pages 1', 'packet', 'eof']);
    const cut = await rig();
    cut.peer.end(packet([1, 2]).subarray(0, 40 + 4096 + 100));
    await cut.until('read-error');
    expect(cut.seen).toEqual(['pages 1', 'read-error']);
  });

  it('a bad packet and a shutdown on this side are read errors', async () => {
    const bad = await rig();
    bad.peer.write(Buffer.alloc(64, 0xee));
    await bad.until('read-error');
    expect(bad.seen).toEqual(['read-error']);
    const shut = await rig();
    shut.reader.shutdown();
    expect(shut.seen).toEqual(['read-error']);
  });
});
