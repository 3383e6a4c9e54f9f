/**
 * Workloads that dirty guest pages at a set rate and pattern, deterministic from a seed. They stand in
 * for the guest's stores that KVM's dirty log would catch.
 * @packageDocumentation
 */
import type { DeviceState } from './device-state.js';
import type { GuestRam } from './guest-ram.js';
import { Prng } from './prng.js';

/** Where writes land. @public */
export type WorkloadKind = 'idle' | 'uniform' | 'hot-set' | 'sequential';

/** How a workload runs. @public */
export interface WorkloadOptions {
  /** The pattern. */
  readonly kind: WorkloadKind;
  /** Pages written per second of guest time (ignored by `idle`). */
  readonly rate: number;
  /** PRNG seed: equal seeds give equal writes. */
  readonly seed: number;
  /** Pages in the hot set for `hot-set` (default 1/64 of RAM, at least 1). */
  readonly hotPages?: number;
}

/** A running workload over one guest. @public */
export class Workload {
  private readonly rng: Prng;
  private budget = 0;
  private cursor = 0;
  private readonly hotBase: number;
  private readonly hotPages: number;

  constructor(
    private readonly ram: GuestRam,
    readonly options: WorkloadOptions,
  ) {
    this.rng = new Prng(options.seed);
    this.hotPages = Math.min(ram.pageCount, Math.max(1, options.hotPages ?? Math.floor(ram.pageCount / 64)));
    this.hotBase = this.rng.nextInt(ram.pageCount - this.hotPages + 1);
  }

  private nextPage(): number {
    const n = this.ram.pageCount;
    switch (this.options.kind) {
      case 'hot-set':
        return this.hotBase + this.rng.nextInt(this.hotPages);
      case 'sequential': {
        const p = this.cursor;
        this.cursor = (this.cursor + 1) % n;
        return p;
      }
      default:
        return this.rng.nextInt(n);
    }
  }

  /**
   * Runs `ms` of guest time: writes `rate * ms / 1000` pages (fractions carry over to the next tick) with
   * random bytes, marks them dirty, and advances `device` if given. Returns the pages written, in order.
   */
  tick(ms: number, device?: DeviceState): number[] {
    device?.advance(ms, this.rng);
    if (this.options.kind === 'idle') return [];
    this.budget += (this.options.rate * ms) / 1000;
    const count = Math.floor(this.budget);
    this.budget -= count;
    const written: number[] = [];
    for (let k = 0; k < count; k++) {
      const p = this.nextPage();
      this.rng.fill(this.ram.page(p));
      this.ram.markDirty(p);
      written.push(p);
    }
    return written;
  }
}
