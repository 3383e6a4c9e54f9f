/**
 * A dirty bitmap, one bit per page in 32-bit words, like QEMU's `unsigned long *bmap`
 * (include/qemu/bitmap.h) with find_next_bit for iteration.
 * @packageDocumentation
 */
import { fail } from '../errors.js';

/** Bits set in a 32-bit word (SWAR popcount). */
function popcount(w: number): number {
  let v = w - ((w >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** One bit per page; set = dirty. @public */
export class DirtyBitmap {
  /** The words, bit `i` is bit `i & 31` of word `i >>> 5`; bits past {@link DirtyBitmap.size} stay 0. */
  readonly words: Uint32Array;
  /**
   * Hears every {@link DirtyBitmap.set} after the bit is set (a guest store marks its page once the
   * page holds what it wrote): e.g. a digest that keeps its page hashes current while the guest runs.
   */
  onSet: ((i: number) => void) | undefined;

  /** @param size number of pages (bits). */
  constructor(readonly size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32));
  }

  private check(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.size)
      fail('page-out-of-range', { actual: i, limit: this.size });
  }

  /** Marks page `i` dirty. @throws LockstepError `page-out-of-range`. */
  set(i: number): void {
    this.check(i);
    this.words[i >>> 5]! |= 1 << (i & 31);
    this.onSet?.(i);
  }

  /** Clears page `i`. @throws LockstepError `page-out-of-range`. */
  clear(i: number): void {
    this.check(i);
    this.words[i >>> 5]! &= ~(1 << (i & 31));
  }

  /** True if page `i` is dirty. */
  test(i: number): boolean {
    this.check(i);
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  /** Clears every bit (bitmap_zero). */
  clearAll(): void {
    this.words.fill(0);
  }

  /** Number of set bits (bitmap_count_one). */
  count(): number {
    let n = 0;
    for (let i = 0; i < this.words.length; i++) n += popcount(this.words[i]!);
    return n;
  }

  /** ORs `other` into this bitmap (bitmap_or); both must have the same size. */
  or(other: DirtyBitmap): void {
    if (other.size !== this.size)
      fail('bad-length', { message: 'dirty bitmap', expected: this.size, actual: other.size });
    for (let i = 0; i < this.words.length; i++) this.words[i]! |= other.words[i]!;
  }

  /** First set bit at or after `from`, or -1 (find_next_bit). Skips clean words whole. */
  nextSet(from: number): number {
    return this.scan(from, 0);
  }

  /** First clear bit at or after `from`, or {@link DirtyBitmap.size} if none (find_next_zero_bit). */
  nextClear(from: number): number {
    const i = this.scan(from, -1);
    return i < 0 ? this.size : i;
  }

  /** `invert` 0 finds a set bit, -1 finds a clear bit (by searching the complemented word). */
  private scan(from: number, invert: number): number {
    if (from < 0) from = 0;
    if (from >= this.size) return -1;
    let wi = from >>> 5;
    let w = (this.words[wi]! ^ invert) & (-1 << (from & 31));
    while (w === 0) {
      if (++wi >= this.words.length) return -1;
      w = this.words[wi]! ^ invert;
    }
    const bit = (wi << 5) + 31 - Math.clz32(w & -w);
    return bit < this.size ? bit : -1;
  }

  /** The dirty pages in ascending order, as an array (a word-by-word scan: no per-bit search). */
  toArray(): number[] {
    const out: number[] = [];
    const words = this.words;
    for (let wi = 0; wi < words.length; wi++) {
      let w = words[wi]!;
      while (w !== 0) {
        const low = w & -w;
        out.push((wi << 5) + 31 - Math.clz32(low));
        w ^= low;
      }
    }
    return out;
  }

  /** The dirty pages in ascending order. */
  *[Symbol.iterator](): IterableIterator<number> {
    for (let i = this.nextSet(0); i >= 0; i = this.nextSet(i + 1)) yield i;
  }

  /** Runs of dirty pages `[start, end)`, ascending: what colo_flush_ram_cache copies in one memcpy. */
  *runs(): IterableIterator<readonly [number, number]> {
    for (let s = this.nextSet(0); s >= 0; ) {
      const e = this.nextClear(s);
      yield [s, e] as const;
      s = this.nextSet(e);
    }
  }
}
