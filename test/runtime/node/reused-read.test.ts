import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { ColoCache, GuestRam } from '../../../runtime/guest/index.js';
import { connectLink, listenLink, shutdownLink } from '../../../runtime/node/index.js';
import { RamReceiver } from '../../../runtime/node/ram-receiver.js';
import { RamSender } from '../../../runtime/node/ram-sender.js';
import { REUSED_READ_EVENT, readIntoReusedBuffer } from '../../../runtime/node/reused-read.js';
import { PAGE_SIZE } from '../../../runtime/wire/index.js';

/** A loopback pair: the accepted end (as the secondary's listener gets it) and the connecting end. */
async function pair(): Promise<{ accepted: Socket; client: Socket; close: () => void }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepting = once(server, 'connection') as Promise<[Socket]>;
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  const [accepted] = await accepting;
  const close = () => {
    client.destroy();
    accepted.destroy();
    server.close();
  };
  return { accepted, client, close };
}

describe('an accepted socket read into one reused buffer', () => {
  it('delivers every byte in order, as views of one buffer, with no data event and a read event each', async () => {
    const { accepted, client, close } = await pair();
    const views = new Set<ArrayBufferLike>();
    const received: Buffer[] = [];
    let dataEvents = 0;
    let readEvents = 0;
    accepted.on('data', () => dataEvents++);
    accepted.on(REUSED_READ_EVENT, () => readEvents++);
    expect(
      readIntoReusedBuffer(accepted, (view) => {
        views.add(view.buffer);
        received.push(Buffer.from(view));
      }),
    ).toBe(true);
    const sent = randomBytes(3 * 1024 * 1024 + 17);
    const ended = once(accepted, 'end');
    for (let at = 0; at < sent.length; at += 100_003) client.write(sent.subarray(at, at + 100_003));
    client.end();
    await ended;
    close();
    expect(Buffer.compare(Buffer.concat(received), sent)).toBe(0);
    expect(views.size).toBe(1);
    expect(dataEvents).toBe(0);
    expect(readEvents).toBe(received.length);
  });

  it('pausing the socket stops the reads, resuming goes on where it stopped', async () => {
    const { accepted, client, close } = await pair();
    let total = 0;
    readIntoReusedBuffer(accepted, (view) => {
      total += view.length;
      accepted.pause();
    });
    client.write(randomBytes(1024 * 1024));
    await once(accepted, REUSED_READ_EVENT);
    const afterFirst = total;
    // paused: the rest waits in the kernel until resume, then comes read by read
    accepted.resume();
    while (total < 1024 * 1024) {
      await once(accepted, REUSED_READ_EVENT);
      accepted.resume();
    }
    close();
    expect(afterFirst).toBeGreaterThan(0);
    expect(total).toBe(1024 * 1024);
  });

  it('is refused (false, nothing changed) for a TLS socket and for a socket already switched', async () => {
    const { accepted, close } = await pair();
    expect(readIntoReusedBuffer(new TLSSocket(accepted), () => {})).toBe(false);
    expect(readIntoReusedBuffer(accepted, () => {})).toBe(true);
    expect(readIntoReusedBuffer(accepted, () => {})).toBe(false);
    close();
  });
});

describe('the secondary RAM receiver with reused reads', () => {
  for (const multifd of [0, 2]) {
    it(`loads every page of a precopy pass exactly (multifd ${multifd}), reading ${multifd === 0 ? 'the main channel' : 'each multifd channel'} into a reused buffer`, async () => {
      const pages = 2048;
      const guest = new GuestRam(pages);
      for (let i = 0; i < pages; i++) if (i % 5 !== 0) guest.writePage(i, randomBytes(PAGE_SIZE));
      const target = new GuestRam(pages);
      const cache = new ColoCache(target);
      let receiver: RamReceiver | undefined;
      let done = false;
      const failures: Error[] = [];
      let loaded: () => void = () => {};
      const eof = new Promise<void>((resolve) => {
        loaded = resolve;
      });
      const server = await listenLink('tcp:127.0.0.1:0', multifd, (link) => {
        receiver = new RamReceiver(
          link,
          pages,
          {
            storeRun: (first, data) => cache.storeRun(first, data),
            storePages: (indexes, data) => cache.storePages(indexes, data),
            storeZero: (index) => cache.storeZero(index),
            frame: (frame) => {
              if (frame.kind !== 'eof') return;
              done = true;
              loaded();
            },
            // the link is shut after the load: only a break before EOF is a failure
            broken: (error) => {
              if (!done) failures.push(error);
            },
          },
          undefined,
          undefined,
          true,
        );
      });
      const link = await connectLink(`tcp:127.0.0.1:${(server.address() as AddressInfo).port}`, multifd);
      const sender = new RamSender(link, guest);
      await sender.pages(Array.from({ length: pages }, (_, i) => i));
      await sender.frames([{ kind: 'eof' }]);
      await eof;
      shutdownLink(link);
      server.close();
      expect(failures).toEqual([]);
      expect(receiver?.reusedReads).toBe(multifd === 0 ? 1 : multifd);
      for (let i = 0; i < pages; i++) expect(Buffer.compare(cache.page(i), guest.page(i))).toBe(0);
    });
  }
});
