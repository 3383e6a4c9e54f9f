import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GuestRam, isZeroPage, PAGE_SIZE } from '../../../runtime/guest/index.js';

describe('zero-page detection', () => {
  it('a page is zero iff no byte is set, whichever byte it is', () => {
    fc.assert(
      fc.property(fc.nat(PAGE_SIZE - 1), fc.integer({ min: 1, max: 255 }), (at, v) => {
        const ram = new GuestRam(2);
        expect(ram.isZero(1)).toBe(true);
        ram.page(1)[at] = v;
        expect(ram.isZero(1)).toBe(false);
        expect(ram.isZero(0)).toBe(true);
      }),
    );
  });

  it('works on unaligned views byte by byte', () => {
    const buf = new Uint8Array(PAGE_SIZE + 1);
    expect(isZeroPage(buf.subarray(1))).toBe(true);
    buf[PAGE_SIZE] = 1;
    expect(isZeroPage(buf.subarray(1))).toBe(false);
  });
});
