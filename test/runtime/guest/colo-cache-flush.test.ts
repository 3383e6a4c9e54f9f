import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../runtime/guest/index.js';
import { dirty, pairAfterPrecopy, sendDirty } from './helpers.js';

const PAGES = 96;
const pageSet = fc.uniqueArray(fc.nat(PAGES - 1), { maxLength: PAGES });

describe('ColoCache flush (ram.c:colo_flush_ram_cache)', () => {
  it('for any pages dirtied by primary and by secondary, guest RAM equals the primary image after flush', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(pageSet, pageSet), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (rounds, seed) => {
          const { primary, secondary, cache } = pairAfterPrecopy(PAGES, seed);
          const rng = new Prng(seed ^ 0x5a5a);
          for (const [byPrimary, bySecondary] of rounds) {
            dirty(primary, byPrimary, rng);
            dirty(secondary, bySecondary, rng);
            sendDirty(primary, cache);
            const flushed = cache.flush(secondary);
            expect(flushed).toBe(new Set([...byPrimary, ...bySecondary]).size);
            expect(Buffer.compare(secondary.bytes, primary.bytes)).toBe(0);
            expect(cache.digest()).toBe(primary.digest());
            expect(cache.bitmap.count()).toBe(0);
            expect(secondary.dirty.count()).toBe(0);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('zero pages sent by the primary are flushed as zeroes', () => {
    const { primary, secondary, cache } = pairAfterPrecopy(8);
    primary.zeroPage(3);
    sendDirty(primary, cache);
    expect(secondary.isZero(3)).toBe(false);
    cache.flush(secondary);
    expect(secondary.isZero(3)).toBe(true);
  });

  it('refuses a guest of another size', () => {
    const { cache } = pairAfterPrecopy(8);
    const { secondary: other } = pairAfterPrecopy(9);
    expect(() => cache.flush(other)).toThrow(/flush target/);
  });
});
