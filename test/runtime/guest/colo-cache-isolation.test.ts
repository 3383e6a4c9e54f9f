import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../runtime/guest/index.js';
import { dirty, pairAfterPrecopy, sendDirty } from './helpers.js';

const PAGES = 64;

describe('ColoCache in COLO mode: guest RAM does not change until flush', () => {
  it('stores land in the cache and its bitmap only', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(PAGES - 1), { maxLength: PAGES }), fc.nat(), (pages, seed) => {
        const { primary, secondary, cache } = pairAfterPrecopy(PAGES, seed);
        const before = secondary.digest();
        dirty(primary, pages, new Prng(seed + 1));
        const sent = sendDirty(primary, cache);
        expect(secondary.digest()).toBe(before);
        expect(secondary.dirty.count()).toBe(0);
        expect([...cache.bitmap]).toEqual(sent);
        for (const p of sent) expect(Buffer.compare(cache.page(p), primary.page(p))).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('a checkpoint that never completes is never flushed: the SVM keeps the last one (reference §6)', () => {
    const { primary, secondary, cache } = pairAfterPrecopy(16);
    const lastCheckpoint = secondary.digest();
    dirty(primary, [1, 2, 3], new Prng(7));
    sendDirty(primary, cache); // channel breaks before VMSTATE_RECEIVED: no flush
    expect(secondary.digest()).toBe(lastCheckpoint);
  });
});
