import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GuestRam, PAGE_SIZE, Prng, RAM_CHUNK_PAGES } from '../../../runtime/guest/index.js';
import { BLOCK_PAGES, RamDigest } from '../../../runtime/node/index.js';

const rssMb = () => process.memoryUsage().rss / 2 ** 20;

describe('guest RAM is allocated as it is written', () => {
  it('a 4 GiB guest and its digest table stay small until pages are written', () => {
    const before = rssMb();
    const guest = GuestRam.ofSize('4G');
    const digest = new RamDigest(guest.bytes, (block) => guest.chunkWritten(block));
    digest.value();
    for (const p of [0, 77, guest.pageCount - 1]) expect(guest.isZero(p)).toBe(true);
    // the digest's hash table (16 MiB for 1 Mi pages) and its block digests are real; RAM is not
    expect(rssMb() - before).toBeLessThan(200);
    expect(guest.writtenBytes).toBe(0);
    guest.writePage(5, new Uint8Array(PAGE_SIZE).fill(1));
    expect(guest.writtenBytes).toBe(RAM_CHUNK_PAGES * PAGE_SIZE);
    expect(guest.isZero(5)).toBe(false);
  });

  it('the digest of a lazily allocated guest equals the digest that reads every page', () => {
    expect(RAM_CHUNK_PAGES).toBe(BLOCK_PAGES); // the digest's blocks are RAM's chunks
    fc.assert(
      fc.property(
        fc.array(fc.nat(3 * RAM_CHUNK_PAGES - 1), { maxLength: 12 }),
        fc.integer(),
        (pages, seed) => {
          const guest = new GuestRam(3 * RAM_CHUNK_PAGES);
          const rng = new Prng(seed);
          for (const p of pages) rng.fill(guest.page(p));
          const lazy = new RamDigest(guest.bytes, (block) => guest.chunkWritten(block));
          expect(lazy.value().equals(new RamDigest(guest.bytes).value())).toBe(true);
        },
      ),
      { numRuns: 12 },
    );
  });
});
