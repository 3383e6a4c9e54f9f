import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  digestFrame,
  encodeFrames,
  encodeMultifdPacket,
  type Frame,
  MultifdDecoder,
  PAGE_SIZE,
  StreamDecoder,
  writeChunks,
} from '../../../runtime/wire/index.js';
import { norm } from './arbitraries.js';

const RAM_PAGES = 2048; // 8 MiB guest

/** One checkpoint as the primary puts it on the main channel (reference §4, steps 1, 4, 5). */
function checkpointFrames(ram: Buffer, blob: Buffer): Frame[] {
  const frames: Frame[] = [
    { kind: 'message', message: 'checkpoint-request' },
    { kind: 'message', message: 'vmstate-send' },
  ];
  frames.push({ kind: 'header', checkpoint: 1 });
  for (let first = 0; first < RAM_PAGES - 1; first += 512) {
    const indexes = Uint32Array.from({ length: 512 }, (_, i) => first + i).filter(
      (i) => i % 7 !== 0 && i < RAM_PAGES - 1,
    );
    const data = Buffer.concat([...indexes].map((i) => ram.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE)));
    frames.push({ kind: 'batch', indexes, data });
  }
  for (let i = 0; i < RAM_PAGES; i += 7) frames.push({ kind: 'zero', index: i });
  frames.push({ kind: 'page', index: RAM_PAGES - 1, data: ram.subarray((RAM_PAGES - 1) * PAGE_SIZE) });
  frames.push({ kind: 'flush' }, digestFrame('ram', ram), digestFrame('device', blob), { kind: 'eof' });
  frames.push({ kind: 'vmstate', blob });
  return frames;
}

async function over<T>(chunks: Buffer[], decoder: StreamDecoder | MultifdDecoder): Promise<T[]> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  const [conn] = await accepted;
  const out: T[] = [];
  conn.on('data', (c: Buffer) => {
    decoder.push(c);
    out.push(...(decoder.drain() as T[]));
  });
  const ended = once(conn, 'end');
  writeChunks(client, chunks);
  client.end();
  await ended;
  out.push(...(decoder.finish() as T[]));
  server.close();
  return out;
}

describe('over a loopback TCP socket', () => {
  it('a whole checkpoint arrives frame for frame', async () => {
    const ram = Buffer.alloc(RAM_PAGES * PAGE_SIZE);
    for (let i = 0; i < RAM_PAGES; i++)
      if (i % 7 !== 0) ram.fill(i & 0xff, i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
    const blob = Buffer.from('cpu, apic, virtio-net, ...'.repeat(1000));
    const frames = checkpointFrames(ram, blob);
    const received = await over<Frame>(encodeFrames(frames), new StreamDecoder({ ramPages: RAM_PAGES }));
    expect(norm(received)).toEqual(norm(frames));
  });

  it('multifd packets with a SYNC arrive intact', async () => {
    const packets = [0, 1, 2].map((n) => ({
      channel: 0,
      packetNum: n,
      sync: n === 2,
      normal: Uint32Array.from({ length: 128 }, (_, i) => n * 128 + i),
      zero: Uint32Array.of(1000 + n),
      data: Buffer.alloc(128 * PAGE_SIZE, n + 1),
    }));
    const received = await over(
      packets.flatMap(encodeMultifdPacket),
      new MultifdDecoder({ ramPages: RAM_PAGES }),
    );
    expect(norm(received)).toEqual(norm(packets));
  });
});
