import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE, Prng } from '../../../runtime/guest/index.js';
import { RamDigest } from '../../../runtime/node/index.js';

const PAGES = 64;
const randomRam = (seed: number) => {
  const ram = new Uint8Array(PAGES * PAGE_SIZE);
  new Prng(seed).fill(ram);
  return ram;
};

describe('the RAM digest (a table of per-page hashes, digested with SHA-256)', () => {
  it('any flipped bit of any page changes the digest, once that page is re-hashed', () => {
    const ram = randomRam(1);
    const digest = new RamDigest(ram);
    const before = digest.value();
    fc.assert(
      fc.property(fc.nat(PAGES * PAGE_SIZE - 1), fc.nat(7), (byte, bit) => {
        ram[byte]! ^= 1 << bit;
        digest.update([Math.floor(byte / PAGE_SIZE)]);
        const flipped = digest.value();
        ram[byte]! ^= 1 << bit;
        digest.update([Math.floor(byte / PAGE_SIZE)]);
        expect(flipped.equals(before)).toBe(false);
        expect(digest.value().equals(before)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('two pages swapped, or a zero page moved, change the digest', () => {
    const ram = randomRam(2);
    ram.fill(0, 5 * PAGE_SIZE, 6 * PAGE_SIZE);
    const digest = new RamDigest(ram);
    const before = digest.value();
    const page3 = ram.slice(3 * PAGE_SIZE, 4 * PAGE_SIZE);
    ram.copyWithin(3 * PAGE_SIZE, 9 * PAGE_SIZE, 10 * PAGE_SIZE);
    ram.set(page3, 9 * PAGE_SIZE);
    digest.update([3, 9]);
    expect(digest.value().equals(before)).toBe(false);
    expect(new RamDigest(ram).value().equals(digest.value())).toBe(true);
    const zeroed = randomRam(2);
    zeroed.fill(0, 6 * PAGE_SIZE, 7 * PAGE_SIZE); // the zero page one index further on
    expect(new RamDigest(zeroed).value().equals(new RamDigest(ram).value())).toBe(false);
  });

  it('pages staged as they arrive (any alignment) then committed give the digest of re-hashing them', () => {
    const ram = randomRam(3);
    const digest = new RamDigest(ram);
    const incoming = randomRam(4).subarray(0, 8 * PAGE_SIZE);
    // a socket chunk's view need not be word-aligned
    const unaligned = new Uint8Array(incoming.byteLength + 1).subarray(1);
    unaligned.set(incoming);
    digest.stage(10, unaligned.subarray(0, 4 * PAGE_SIZE));
    digest.stage(20, incoming.subarray(4 * PAGE_SIZE));
    const staged = digest.value();
    expect(staged.equals(new RamDigest(ram).value())).toBe(true); // staging leaves the digest alone
    ram.set(incoming.subarray(0, 4 * PAGE_SIZE), 10 * PAGE_SIZE); // the flush
    ram.set(incoming.subarray(4 * PAGE_SIZE), 20 * PAGE_SIZE);
    ram[40 * PAGE_SIZE]! ^= 0xff; // a page that was never staged: re-hashed from RAM at commit
    digest.commit([10, 11, 12, 13, 20, 21, 22, 23, 40]);
    expect(digest.value().equals(new RamDigest(ram).value())).toBe(true);
  });

  it('a staged page that arrives corrupted shows in the digest after its commit', () => {
    const ram = randomRam(5);
    const digest = new RamDigest(ram);
    const page = ram.slice(7 * PAGE_SIZE, 8 * PAGE_SIZE);
    page[100]! ^= 0x01;
    digest.stage(7, page);
    digest.commit([7]);
    expect(digest.value().equals(new RamDigest(ram).value())).toBe(false);
  });

  it('pages hashed from a copy of them (the batch buffer) give the digest of re-hashing them in RAM', () => {
    const ram = randomRam(6);
    const digest = new RamDigest(ram);
    const indexes = [40, 3, 17];
    for (const p of indexes) ram[p * PAGE_SIZE + 5]! ^= 0x80;
    const batch = new Uint8Array(indexes.length * PAGE_SIZE);
    indexes.forEach((p, i) => {
      batch.set(ram.subarray(p * PAGE_SIZE, (p + 1) * PAGE_SIZE), i * PAGE_SIZE);
    });
    digest.updateFrom(indexes, batch);
    expect(digest.value().equals(new RamDigest(ram).value())).toBe(true);
  });

  it('the digest covers every block of the table: a change far from the last one is seen', () => {
    const ram = new Uint8Array(2048 * PAGE_SIZE); // four blocks of page hashes
    const digest = new RamDigest(ram);
    const first = digest.value();
    expect(digest.value().equals(first)).toBe(true); // nothing changed, nothing re-digested
    ram[1800 * PAGE_SIZE] = 1;
    digest.update([1800]);
    const second = digest.value();
    expect(second.equals(first)).toBe(false);
    ram[3 * PAGE_SIZE] = 1;
    digest.update([3]);
    expect(digest.value().equals(second)).toBe(false);
    expect(digest.value().equals(new RamDigest(ram).value())).toBe(true);
  });

  it('scattered pages staged in one call (stagePages) then committed give the digest of re-hashing them', () => {
    const ram = randomRam(7);
    const digest = new RamDigest(ram);
    const indexes = [30, 2, 55];
    const incoming = randomRam(8).subarray(0, 3 * PAGE_SIZE);
    digest.stagePages(indexes, incoming);
    indexes.forEach((p, i) => {
      ram.set(incoming.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE), p * PAGE_SIZE);
    });
    digest.commit(indexes);
    expect(digest.value().equals(new RamDigest(ram).value())).toBe(true);
  });
});
