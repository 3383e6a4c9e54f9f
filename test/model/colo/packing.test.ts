import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  codesOf,
  ITEMS,
  increment,
  itemCode,
  itemOf,
  MAIN_CAPACITY,
  MULTIFD_CAPACITY,
  mainLength,
  multifdLength,
  pushMain,
  pushPacket,
} from '../../../model/colo/packing.js';

// A link as the list it stands for: every push, pop and length agrees with an array doing the same.
type Op = { push: number } | 'pop';

function run(ops: readonly Op[], bits: 2 | 4, capacity: number) {
  const push = (link: number, code: number) =>
    bits === 4 ? pushMain(link, code, 'test link') : pushPacket(link, code, 0);
  const length = bits === 4 ? mainLength : multifdLength;
  let link = 0;
  const list: number[] = [];
  for (const op of ops) {
    if (op === 'pop') {
      if (list.length === 0) continue;
      expect(link & ((1 << bits) - 1)).toBe(list.shift());
      link >>>= bits;
    } else if (list.length < capacity) {
      link = push(link, op.push);
      list.push(op.push);
    } else expect(() => push(link, op.push)).toThrow(/would hold more than/);
    expect(codesOf(link, bits)).toEqual(list);
    expect(length(link)).toBe(list.length);
    expect(link).toBeLessThan(2 ** 30); // stays a small integer
  }
}

describe('packed links', () => {
  it('a main-channel link behaves as a FIFO of up to 7 items', () => {
    const op = fc.oneof(
      fc.constant<Op>('pop'),
      fc.integer({ min: 1, max: ITEMS.length }).map((push) => ({ push })),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => run(ops, 4, MAIN_CAPACITY)));
  });

  it('a multifd link behaves as a FIFO of up to 15 packets', () => {
    const op = fc.oneof(
      fc.constant<Op>('pop'),
      fc.integer({ min: 1, max: 2 }).map((push) => ({ push })),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 60 }), (ops) => run(ops, 2, MULTIFD_CAPACITY)));
  });

  it('every item has its own code and comes back from it', () => {
    for (const item of ITEMS) expect(itemOf(itemCode(item))).toBe(item);
    expect(new Set(ITEMS.map(itemCode)).size).toBe(ITEMS.length);
  });

  it('a counter refuses to overflow into its neighbour', () => {
    let counters = 0;
    for (let i = 0; i < 127; i++) counters = increment(counters, 'triggers');
    expect(() => increment(counters, 'triggers')).toThrow(/triggers counter overflowed/);
    expect(increment(counters, 'faults') & 0x7f).toBe(1);
  });
});
