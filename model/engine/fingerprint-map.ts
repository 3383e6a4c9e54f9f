/**
 * A map from 64-bit fingerprints to non-negative integers (three words per slot), for the liveness
 * pass, which needs each state's Tarjan index. Power-of-two capacity, at most half full: this map lives
 * only during one liveness pass over the states that fail a predicate, so speed beats compactness.
 */
export class FingerprintMap {
  private slots = new Uint32Array(3 * 1024);
  private mask = 1023;
  /** Entries stored. */
  size = 0;

  /** The value for the fingerprint, or -1. */
  get(hi: number, lo: number): number {
    const s = this.slots;
    for (let i = (hi ^ Math.imul(lo, 0x9e3779b1)) & this.mask; ; i = (i + 1) & this.mask) {
      const j = i * 3;
      const v = s[j + 2]!;
      if (v === 0) return -1;
      if (s[j] === hi && s[j + 1] === lo) return v - 1;
    }
  }

  /** Sets the value (a value is stored plus one so that zero marks an empty slot). */
  set(hi: number, lo: number, value: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const s = this.slots;
    for (let i = (hi ^ Math.imul(lo, 0x9e3779b1)) & this.mask; ; i = (i + 1) & this.mask) {
      const j = i * 3;
      if (s[j + 2] === 0) {
        s[j] = hi;
        s[j + 1] = lo;
        s[j + 2] = value + 1;
        this.size++;
        return;
      }
      if (s[j] === hi && s[j + 1] === lo) {
        s[j + 2] = value + 1;
        return;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.mask = this.mask * 2 + 1;
    this.slots = new Uint32Array(3 * (this.mask + 1));
    this.size = 0;
    for (let j = 0; j < old.length; j += 3)
      if (old[j + 2] !== 0) this.set(old[j]!, old[j + 1]!, old[j + 2]! - 1);
  }
}
