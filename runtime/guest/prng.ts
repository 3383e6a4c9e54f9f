/**
 * A small seeded PRNG (mulberry32) so workloads and device activity replay exactly from a seed: the
 * runtime's logs must replay to the same states.
 * @packageDocumentation
 */

/** Deterministic 32-bit generator; not cryptographic. @public */
export class Prng {
  private state: number;

  /** @param seed any integer; equal seeds give equal sequences. */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Next unsigned 32-bit value (mulberry32). */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform integer in `[0, n)`. */
  nextInt(n: number): number {
    return Math.floor((this.nextU32() / 2 ** 32) * n);
  }

  /** Fills `out` with random bytes, a word at a time when aligned. */
  fill(out: Uint8Array): void {
    if (out.byteOffset % 4 === 0 && out.byteLength % 4 === 0) {
      const w = new Uint32Array(out.buffer, out.byteOffset, out.byteLength >>> 2);
      for (let i = 0; i < w.length; i++) w[i] = this.nextU32();
    } else for (let i = 0; i < out.length; i++) out[i] = this.nextU32() & 0xff;
  }
}
