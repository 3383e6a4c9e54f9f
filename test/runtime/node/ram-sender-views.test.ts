import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuestRam, PAGE_SIZE, Prng } from '../../../runtime/guest/index.js';
import { RamSender } from '../../../runtime/node/ram-sender.js';
import { flushed } from '../../../runtime/node/socket-write.js';
import { StreamDecoder } from '../../../runtime/wire/index.js';

const PAGES = 2048;
let sender: Socket;
let receiver: Socket;
const received: Buffer[] = [];

beforeAll(async () => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  sender = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
  [receiver] = await accepted;
  server.close();
  receiver.on('data', (chunk: Buffer) => received.push(chunk));
});
afterAll(() => {
  sender.destroy();
  receiver.destroy();
});

/** What the main channel carried for `pages`, decoded: one line per page, its index and whether it holds RAM's bytes. */
async function stream(ram: GuestRam, pages: number[], views: boolean): Promise<string[]> {
  received.length = 0;
  const bytes = await new RamSender({ main: sender, multifd: [] }, ram).pages(pages, undefined, { views });
  await flushed(sender);
  while (received.reduce((n, c) => n + c.length, 0) < bytes) await once(receiver, 'data');
  const decoder = new StreamDecoder({ ramPages: ram.pageCount }).push(Buffer.concat(received));
  const out: string[] = [];
  for (const frame of decoder.finish()) {
    if (frame.kind === 'zero') out.push(`${frame.index} zero`);
    else if (frame.kind === 'batch')
      frame.indexes.forEach((index, i) => {
        const page = frame.data.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
        out.push(`${index} ${Buffer.compare(page, ram.page(index)) === 0 ? 'as in RAM' : 'other bytes'}`);
      });
    else out.push(frame.kind);
  }
  return out;
}

describe('a checkpoint sent as views of guest RAM (no gather copy)', () => {
  it('carries what the batch buffers carry: every page, runs and scattered, zero pages as flags', async () => {
    const ram = new GuestRam(PAGES);
    new Prng(1).fill(ram.bytes);
    for (let page = 0; page < PAGES; page += 7) ram.zeroPage(page);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.nat(PAGES - 1), { minLength: 1, maxLength: 1500 }), async (list) => {
        // ascending as the dirty bitmap lists them, so consecutive pages make runs
        const pages = list.sort((a, b) => a - b);
        const viewed = await stream(ram, pages, true);
        expect(viewed).toEqual(await stream(ram, pages, false));
        expect(viewed.length).toBe(pages.length);
      }),
      { numRuns: 8 },
    );
  });
});
