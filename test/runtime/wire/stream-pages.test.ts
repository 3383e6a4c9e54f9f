import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BaseDecoder,
  encodeFrames,
  encodeMultifdPacket,
  type Frame,
  LockstepError,
  MultifdDecoder,
  type MultifdPacket,
  PAGE_SIZE,
  StreamDecoder,
} from '../../../runtime/index.js';
import { cutsArb, frameArb, packetArb, RAM_PAGES, split } from './arbitraries.js';

/** What a receiver makes of a stream: each page's last data, and every other item in order. */
interface Applied {
  pages: Map<number, string>;
  events: string[];
}

function applyFrame(into: Applied, f: Frame): void {
  if (f.kind === 'batch')
    f.indexes.forEach((p, i) => {
      into.pages.set(p, f.data.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE).toString('hex'));
    });
  else if (f.kind === 'page') into.pages.set(f.index, f.data.toString('hex'));
  else into.events.push(JSON.stringify(f, (_k, v) => (v?.type === 'Buffer' ? 'buf' : v)));
}

function applyPacket(into: Applied, p: MultifdPacket): void {
  p.normal.forEach((index, i) => {
    into.pages.set(index, p.data.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE).toString('hex'));
  });
  for (const z of p.zero) into.pages.set(z, 'zero');
  if (p.zero.length > 0 || p.sync || p.normal.length === 0)
    into.events.push(`${p.channel}/${p.packetNum}/${p.sync}/${[...p.zero]}`);
}

/** Decodes chunk by chunk, applying each item before the next `next()` (data may be reused after). */
function run<T>(decoder: BaseDecoder<T>, chunks: Buffer[], apply: (into: Applied, item: T) => void): Applied {
  const into: Applied = { pages: new Map(), events: [] };
  for (const c of chunks) {
    decoder.push(c);
    for (let item = decoder.next(); item !== undefined; item = decoder.next()) apply(into, item);
  }
  for (const item of decoder.finish()) apply(into, item);
  return into;
}

describe('streamPages: pages yielded as they arrive', () => {
  it('the main channel: storing the pieces in order has the effect of storing the whole frames', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 25 }), cutsArb, (frames, cuts) => {
        const chunks = split(Buffer.concat(encodeFrames(frames)), cuts);
        const whole = run(new StreamDecoder({ ramPages: RAM_PAGES }), chunks, applyFrame);
        const streamed = run(
          new StreamDecoder({ ramPages: RAM_PAGES, reuse: true, streamPages: true }),
          chunks,
          applyFrame,
        );
        expect(streamed).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('a multifd channel: the same pages, and zero pages and SYNC with the last piece', () => {
    fc.assert(
      fc.property(fc.array(packetArb, { maxLength: 10 }), cutsArb, (packets, cuts) => {
        const chunks = split(Buffer.concat(packets.flatMap(encodeMultifdPacket)), cuts);
        const whole = run(new MultifdDecoder({ ramPages: RAM_PAGES }), chunks, applyPacket);
        const streamed = run(
          new MultifdDecoder({ ramPages: RAM_PAGES, reuse: true, streamPages: true }),
          chunks,
          applyPacket,
        );
        expect(streamed).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('a batch yields its first pages before its last byte arrives, as views of the socket chunk', () => {
    const data = Buffer.alloc(4 * PAGE_SIZE);
    for (let i = 0; i < 4; i++) data.fill(i + 1, i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
    const bytes = Buffer.concat(encodeFrames([{ kind: 'batch', indexes: Uint32Array.of(9, 3, 4, 5), data }]));
    const d = new StreamDecoder({ ramPages: RAM_PAGES, streamPages: true });
    const first = bytes.subarray(0, 8 + 32 + 2 * PAGE_SIZE + 100);
    d.push(first);
    const piece = d.next();
    expect(piece).toMatchObject({ kind: 'batch', indexes: Uint32Array.of(9, 3) });
    expect(piece?.kind === 'batch' && piece.data.buffer).toBe(first.buffer);
    expect(d.next()).toBeUndefined();
    d.push(bytes.subarray(first.length));
    // page 4 spans the two chunks (copied once, on its own), page 5 is a view of the second chunk
    const rest = d.drain();
    expect(rest.flatMap((f) => (f.kind === 'batch' ? [...f.indexes] : []))).toEqual([4, 5]);
    expect(rest.map((f) => f.kind === 'batch' && f.data[0])).toEqual([3, 4]);
  });

  it('a stream that ends inside a batch is truncated', () => {
    const data = Buffer.alloc(2 * PAGE_SIZE, 7);
    const bytes = Buffer.concat(encodeFrames([{ kind: 'batch', indexes: Uint32Array.of(1, 2), data }]));
    const d = new StreamDecoder({ ramPages: RAM_PAGES, streamPages: true });
    d.push(bytes.subarray(0, bytes.length - PAGE_SIZE));
    expect(d.drain()).toHaveLength(1);
    expect(() => d.finish()).toThrow(LockstepError);
    const m = new MultifdDecoder({ ramPages: RAM_PAGES, streamPages: true });
    const packet = encodeMultifdPacket({
      channel: 0,
      packetNum: 1,
      sync: true,
      normal: Uint32Array.of(1, 2),
      zero: Uint32Array.of(3),
      data,
    });
    m.push(Buffer.concat(packet).subarray(0, 32 + 24 + PAGE_SIZE));
    expect(m.drain()).toMatchObject([{ sync: false, zero: Uint32Array.of() }]);
    expect(() => m.finish()).toThrow(LockstepError);
  });
});
