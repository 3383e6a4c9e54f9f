import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DirtyBitmap, PAGE_SIZE, Prng } from '../../../runtime/guest/index.js';
import { RamDigest } from '../../../runtime/node/index.js';

/** More than two catch-up batches of pages. */
const PAGES = 600;

/** Guest RAM with its dirty log, written as a guest store does: the page first, then its dirty bit. */
function guest(seed: number) {
  const ram = new Uint8Array(PAGES * PAGE_SIZE);
  const prng = new Prng(seed);
  prng.fill(ram.subarray(0, 64 * PAGE_SIZE)); // the rest stays zero
  const dirty = new DirtyBitmap(PAGES);
  return {
    ram,
    dirty,
    write(page: number) {
      prng.fill(ram.subarray(page * PAGE_SIZE, (page + 1) * PAGE_SIZE));
      dirty.set(page);
    },
    /** A checkpoint's pages gathered into one buffer, as the sender's batch buffer holds them. */
    gather(pages: readonly number[]) {
      const batch = new Uint8Array(pages.length * PAGE_SIZE);
      pages.forEach((p, i) => {
        batch.set(ram.subarray(p * PAGE_SIZE, (p + 1) * PAGE_SIZE), i * PAGE_SIZE);
      });
      return batch;
    },
  };
}

describe('the primary digest follows the guest writes (hashing off the checkpoint pause)', () => {
  it('after any run of writes and checkpoints it equals the digest of hashing all of RAM again', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof({ arbitrary: fc.nat(PAGES - 1), weight: 30 }, { arbitrary: fc.constant(-1), weight: 1 }),
          { maxLength: 900 },
        ),
        fc.nat(),
        (steps, seed) => {
          const g = guest(seed);
          const digest = new RamDigest(g.ram);
          digest.followWrites(g.dirty);
          // the reference hashes every page a checkpoint sends, as the primary did before it followed
          const reference = new RamDigest(g.ram);
          for (const step of steps) {
            if (step >= 0) {
              g.write(step);
              continue;
            }
            // a checkpoint: the dirty pages are taken, sent, and hashed from the batch as sent
            const pages = [...g.dirty];
            g.dirty.clearAll();
            digest.updateFrom(pages, g.gather(pages));
            reference.update(pages);
            expect(digest.value().equals(reference.value())).toBe(true);
          }
          expect(digest.value().equals(new RamDigest(g.ram).value())).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('pages dirty when following starts, and pages written again after their catch-up, are hashed again', () => {
    const g = guest(1);
    const digest = new RamDigest(g.ram);
    g.write(5); // written before the digest follows: the table does not know it yet
    digest.followWrites(g.dirty);
    for (let page = 100; page < 400; page++) g.write(page); // more than one catch-up batch
    g.write(150); // again, after its batch was hashed
    expect(digest.value().equals(new RamDigest(g.ram).value())).toBe(true);
  });

  it('a checkpoint hashes only the pages written since the last catch-up', () => {
    const g = guest(2);
    const digest = new RamDigest(g.ram);
    digest.followWrites(g.dirty);
    for (let page = 0; page < 512; page++) g.write(page); // two whole catch-up batches: hashed as written
    const pages = [...g.dirty];
    g.dirty.clearAll();
    const batch = g.gather(pages);
    // a batch whose bytes differ from RAM for a page whose hash is current: that hash is not taken again
    batch[PAGE_SIZE * 7 + 1]! ^= 0xff;
    digest.updateFrom(pages, batch);
    expect(digest.value().equals(new RamDigest(g.ram).value())).toBe(true);
    // a page written since its catch-up is hashed from the batch as sent
    g.write(7);
    const again = g.gather([7]);
    again[1]! ^= 0xff;
    digest.updateFrom([7], again);
    expect(digest.value().equals(new RamDigest(g.ram).value())).toBe(false);
  });
});
