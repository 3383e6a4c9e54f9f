import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../../runtime/errors.js';
import {
  encodeFrames,
  encodeMultifdPacket,
  MultifdDecoder,
  StreamDecoder,
} from '../../../runtime/wire/index.js';
import { cutsArb, frameArb, packetArb, RAM_PAGES, split } from './arbitraries.js';

type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; n: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }),
  }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 16 }) }),
);

function mutate(bytes: Buffer, m: Mutation): Buffer {
  const at = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
  switch (m.op) {
    case 'flip': {
      if (bytes.length === 0) return bytes;
      const out = Buffer.from(bytes);
      const i = Math.min(at, out.length - 1);
      out[i] = out[i]! ^ (1 << m.bit);
      return out;
    }
    case 'truncate':
      return bytes.subarray(0, at);
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.n)]);
  }
}

/** Feeds the chunks; every item must advance the offset (so no loop); the only error allowed is a LockstepError. */
function feed(d: StreamDecoder | MultifdDecoder, chunks: Buffer[], total: number): void {
  let calls = 0;
  try {
    for (const c of chunks) {
      d.push(c);
      for (let before = d.offset; d.next() !== undefined; before = d.offset) {
        expect(d.offset).toBeGreaterThan(before);
        expect(++calls).toBeLessThanOrEqual(total);
      }
    }
    d.finish();
    expect(d.offset).toBe(total);
  } catch (e) {
    if (!(e instanceof LockstepError)) throw e;
    expect(e.details.offset).toBeLessThanOrEqual(total);
  }
}

describe('mutated streams', () => {
  it('main channel: bit flips, truncation, inserted and deleted bytes give frames or a LockstepError', () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { maxLength: 12 }),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        cutsArb,
        (frames, ms, cuts) => {
          const bytes = ms.reduce(mutate, Buffer.concat(encodeFrames(frames)));
          feed(
            new StreamDecoder({ ramPages: RAM_PAGES, maxVmstate: 1 << 20 }),
            split(bytes, cuts),
            bytes.length,
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('multifd channel: the same mutations give packets or a LockstepError', () => {
    fc.assert(
      fc.property(
        fc.array(packetArb, { maxLength: 6 }),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        cutsArb,
        (packets, ms, cuts) => {
          const bytes = ms.reduce(mutate, Buffer.concat(packets.flatMap(encodeMultifdPacket)));
          feed(new MultifdDecoder({ ramPages: RAM_PAGES }), split(bytes, cuts), bytes.length);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('random bytes, in random chunks, never crash the decoders', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), cutsArb, (raw, cuts) => {
        const bytes = Buffer.from(raw);
        feed(new StreamDecoder({ ramPages: RAM_PAGES }), split(bytes, cuts), bytes.length);
        feed(new MultifdDecoder({ ramPages: RAM_PAGES }), split(bytes, cuts), bytes.length);
      }),
      { numRuns: 1000 },
    );
  });
});
