import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DirtyBitmap } from '../../../runtime/guest/index.js';

const sized = fc
  .integer({ min: 1, max: 300 })
  .chain((size) =>
    fc.tuple(fc.constant(size), fc.uniqueArray(fc.integer({ min: 0, max: size - 1 }), { maxLength: size })),
  );

describe('DirtyBitmap', () => {
  it('iteration, toArray, count and runs equal a naive scan', () => {
    fc.assert(
      fc.property(sized, ([size, bits]) => {
        const b = new DirtyBitmap(size);
        for (const i of bits) b.set(i);
        const naive = Array.from({ length: size }, (_, i) => i).filter((i) => b.test(i));
        expect(naive).toEqual([...bits].sort((x, y) => x - y));
        expect([...b]).toEqual(naive);
        expect(b.toArray()).toEqual(naive);
        expect(b.count()).toBe(naive.length);
        expect([...b.runs()].flatMap(([s, e]) => Array.from({ length: e - s }, (_, k) => s + k))).toEqual(
          naive,
        );
      }),
    );
  });

  it('nextSet / nextClear from any start equal a naive scan', () => {
    fc.assert(
      fc.property(sized, fc.nat(320), ([size, bits], from) => {
        const b = new DirtyBitmap(size);
        for (const i of bits) b.set(i);
        const set = new Set(bits);
        let ns = -1;
        for (let i = from; i < size; i++)
          if (set.has(i)) {
            ns = i;
            break;
          }
        let nc = size;
        for (let i = from; i < size; i++)
          if (!set.has(i)) {
            nc = i;
            break;
          }
        expect(b.nextSet(from)).toBe(ns);
        expect(b.nextClear(from)).toBe(from >= size ? size : nc);
      }),
    );
  });

  it('clear, clearAll and or', () => {
    const a = new DirtyBitmap(70);
    const b = new DirtyBitmap(70);
    a.set(0);
    a.set(69);
    b.set(33);
    a.or(b);
    expect([...a]).toEqual([0, 33, 69]);
    a.clear(33);
    expect([...a]).toEqual([0, 69]);
    a.clearAll();
    expect(a.count()).toBe(0);
    expect(() => a.set(70)).toThrow(/past the end/);
  });
});
