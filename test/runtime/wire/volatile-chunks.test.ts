import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BaseDecoder,
  encodeFrames,
  encodeMultifdPacket,
  type Frame,
  MultifdDecoder,
  type MultifdPacket,
  PAGE_SIZE,
  StreamDecoder,
} from '../../../runtime/index.js';
import { cutsArb, frameArb, packetArb, RAM_PAGES, split } from './arbitraries.js';

/**
 * What a receiver that applies pages during the call and keeps every other item to the end makes of a
 * stream: each page's bytes as stored, then every kept item serialised only once the whole stream is in
 * (a kept item that pointed into a reused read buffer would show that buffer's later bytes).
 */
function receive<T>(
  decoder: BaseDecoder<T>,
  chunks: readonly Buffer[],
  pagesOf: (item: T) => Array<[number, Uint8Array]>,
  volatile: boolean,
): string[] {
  const pages: string[] = [];
  const kept: T[] = [];
  const readBuffer = Buffer.alloc(Math.max(1, ...chunks.map((c) => c.length)));
  const take = (item: T) => {
    for (const [index, data] of pagesOf(item)) pages.push(`${index}:${Buffer.from(data).toString('hex')}`);
    kept.push(item);
  };
  for (const c of chunks) {
    if (volatile) {
      // as a socket read into one buffer: the next read overwrites what this one left there
      c.copy(readBuffer);
      decoder.push(readBuffer.subarray(0, c.length), true);
    } else decoder.push(c);
    for (let item = decoder.next(); item !== undefined; item = decoder.next()) take(item);
    if (volatile) {
      decoder.keepVolatile();
      readBuffer.fill(0xee);
    }
  }
  for (const item of decoder.finish()) take(item);
  const items = kept.map((item) =>
    JSON.stringify(item, (key, v) =>
      // page data was checked at its call; a kept frame's own bytes (vmstate, digest) are checked now
      key === 'data' ? undefined : v?.type === 'Buffer' ? Buffer.from(v.data).toString('hex') : v,
    ),
  );
  return [...pages, ...items];
}

const framePages = (f: Frame): Array<[number, Uint8Array]> =>
  f.kind === 'batch'
    ? [...f.indexes].map((p, i) => [p, f.data.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE)])
    : f.kind === 'page'
      ? [[f.index, f.data]]
      : [];
const packetPages = (p: MultifdPacket): Array<[number, Uint8Array]> =>
  [...p.normal].map((index, i) => [index, p.data.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE)]);

describe('volatile chunks: a decoder fed from one reused read buffer', () => {
  it('the main channel gives the same pages and the same kept frames as with chunks of its own', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 25 }), cutsArb, (frames, cuts) => {
        const chunks = split(Buffer.concat(encodeFrames(frames)), cuts);
        const decoder = () => new StreamDecoder({ ramPages: RAM_PAGES, reuse: true, streamPages: true });
        expect(receive(decoder(), chunks, framePages, true)).toEqual(
          receive(decoder(), chunks, framePages, false),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('a multifd channel, read while its thread waits (bytes left over at every read), too', () => {
    fc.assert(
      fc.property(fc.array(packetArb, { maxLength: 12 }), cutsArb, (packets, cuts) => {
        const chunks = split(Buffer.concat(packets.flatMap((p) => encodeMultifdPacket(p))), cuts);
        const decoder = () => new MultifdDecoder({ ramPages: RAM_PAGES, reuse: true, streamPages: true });
        expect(receive(decoder(), chunks, packetPages, true)).toEqual(
          receive(decoder(), chunks, packetPages, false),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('a vmstate blob read from a reused buffer is a copy: scribbling the buffer leaves it whole', () => {
    const blob = Buffer.from('device state of the checkpoint');
    const bytes = Buffer.concat(encodeFrames([{ kind: 'vmstate', blob }]));
    const read = Buffer.from(bytes);
    const decoder = new StreamDecoder({ ramPages: RAM_PAGES, reuse: true, streamPages: true });
    decoder.push(read, true);
    const frame = decoder.next();
    read.fill(0);
    expect(frame).toEqual({ kind: 'vmstate', blob });
  });
});
