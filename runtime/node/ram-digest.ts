import { createHash } from 'node:crypto';

const PAGE_WORDS = 1024;

/** A 32-bit page hash over the page's words (murmur3's mixing), cheap enough to redo per dirty page. */
function hashPage(words: Uint32Array, page: number, seed: number): number {
  let h = seed ^ page;
  const base = page * PAGE_WORDS;
  for (let i = base; i < base + PAGE_WORDS; i++) {
    let k = Math.imul(words[i]!, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
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
      this.hashes[2 * page] = hashPage(words, page, 0x9747b28c);
      this.hashes[2 * page + 1] = hashPage(words, page, 0x5bd1e995);
    }
  }

  /** The digest as 32 bytes, the size of the wire's digest frame. */
  value(): Buffer {
    return createHash('sha256').update(this.hashes).digest();
  }
}
