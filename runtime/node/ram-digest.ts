import { createHash } from 'node:crypto';

const PAGE_WORDS = 1024;

/** Two 32-bit hashes of one page in a single pass over its words (murmur3's mixing, two seeds). */
function hashPage(words: Uint32Array, page: number, out: Uint32Array): void {
  let a = 0x9747b28c ^ page;
  let b = 0x5bd1e995 ^ page;
  const base = page * PAGE_WORDS;
  for (let i = base; i < base + PAGE_WORDS; i++) {
    let k = Math.imul(words[i]!, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    a ^= k;
    a = (a << 13) | (a >>> 19);
    a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    b = (Math.imul(b ^ k, 0x85ebca6b) + i) | 0;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  b ^= b >>> 13;
  b = Math.imul(b, 0xc2b2ae35);
  out[2 * page] = (a ^ (a >>> 13)) >>> 0;
  out[2 * page + 1] = (b ^ (b >>> 16)) >>> 0;
}

/**
 * A digest of all of guest RAM that is updated page by page: two 32-bit hashes per page (different
 * seeds), then a SHA-256 over the table of page hashes. Both sides keep one; after a checkpoint they must
 * agree. Updating the pages a checkpoint moved costs a few milliseconds where a SHA-256 of 256 MiB costs
 * a quarter of a second. It detects corruption and protocol bugs, not an adversary.
 * @public
 */
export class RamDigest {
  private readonly hashes: Uint32Array;

  constructor(private readonly ram: Uint8Array) {
    this.hashes = new Uint32Array((ram.byteLength / 4096) * 2);
    this.rebuild();
  }

  /** Re-hashes every page (after a whole-RAM load such as the end of precopy). */
  rebuild(): void {
    this.update(Array.from({ length: this.ram.byteLength / 4096 }, (_, i) => i));
  }

  /** Re-hashes these pages (after they were written). */
  update(pages: Iterable<number>): void {
    const words = new Uint32Array(this.ram.buffer, this.ram.byteOffset, this.ram.byteLength / 4);
    for (const page of pages) {
      hashPage(words, page, this.hashes);
    }
  }

  /** The digest as 32 bytes, the size of the wire's digest frame. */
  value(): Buffer {
    return createHash('sha256').update(this.hashes).digest();
  }
}
