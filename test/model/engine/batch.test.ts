import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchReader, BatchWriter } from '../../../model/engine/batch.js';

const u32 = fc.nat({ max: 0xffffffff });
// A record as the writer takes it: fingerprint, parent, action and the state as packed (words or not).
const record = fc.record({
  hi: u32,
  lo: u32,
  parent: u32,
  action: fc.nat({ max: 0xffff }),
  packed: fc.oneof(
    fc.array(u32, { maxLength: 20 }).map((w) => Uint32Array.from(w)),
    fc.record({ name: fc.string(), n: fc.integer() }),
  ),
});

interface Read {
  hi: number;
  lo: number;
  parent: number;
  action: number;
  packed: unknown;
}

function read(batch: ReturnType<BatchWriter['take']>): Read[] {
  const r = new BatchReader();
  r.reset(structuredClone(batch));
  const out: Read[] = [];
  while (r.next()) {
    const p = r.packed();
    out.push({ hi: r.hi, lo: r.lo, parent: r.parent, action: r.action, packed: p });
  }
  return out;
}

describe('batch: flat records for another worker', () => {
  it('reads back what was written, across growth and several takes', () => {
    fc.assert(
      fc.property(fc.array(fc.array(record, { maxLength: 40 }), { maxLength: 4 }), (chunks) => {
        // a tiny initial buffer: most chunks grow it at least once
        const w = new BatchWriter(8);
        for (const chunk of chunks) {
          for (const x of chunk) w.add(x.hi, x.lo, x.parent, x.action, x.packed);
          const back = read(w.take());
          expect(back).toHaveLength(chunk.length);
          back.forEach((b, i) => {
            const x = chunk[i]!;
            expect([b.hi, b.lo, b.parent, b.action]).toEqual([x.hi, x.lo, x.parent, x.action]);
            if (x.packed instanceof Uint32Array)
              expect(Array.from(b.packed as Uint32Array)).toEqual(Array.from(x.packed));
            else expect(b.packed).toEqual(x.packed);
          });
          expect(w.length).toBe(0);
        }
      }),
    );
  });

  it('a taken buffer is the writer’s no longer: transferring it leaves the writer usable', () => {
    const w = new BatchWriter(4);
    w.add(1, 2, 3, 4, Uint32Array.of(5, 6));
    const batch = w.take();
    structuredClone(batch, { transfer: [batch.words.buffer] });
    w.add(7, 8, 9, 10, Uint32Array.of(11));
    expect(read(w.take())).toEqual([{ hi: 7, lo: 8, parent: 9, action: 10, packed: Uint32Array.of(11) }]);
  });

  it('objects travel beside the words, in record order, and none when all states are words', () => {
    const w = new BatchWriter();
    w.add(0, 0, 0, 0, Uint32Array.of(1));
    expect(w.take().objects).toBeNull();
    w.add(0, 0, 0, 0, 'a');
    w.add(0, 0, 0, 1, Uint32Array.of());
    w.add(0, 0, 0, 2, 'b');
    const batch = w.take();
    expect(batch.objects).toEqual(['a', 'b']);
    expect(read(batch).map((r) => r.packed)).toEqual(['a', Uint32Array.of(), 'b']);
  });
});
