import { fingerprint } from './fingerprint.js';
import type { CheckOptions } from './options.js';
import type { Property } from './property.js';
import type { Discovery, DiscoveryKind, Model, Report, Trace } from './types.js';

/**
 * What every search mode shares: property bookkeeping, the fingerprint scratch, the clock, progress
 * throttling and the final report. Modes call `check` on each new state and `limitReached` now and then.
 */
export class RunContext<S, A> {
  /** Scratch for fingerprints: [high, low]. */
  readonly fp = new Uint32Array(2);
  readonly always: Property<S>[] = [];
  readonly sometimes: Property<S>[] = [];
  readonly eventually: Property<S>[] = [];
  /** Per property name: its discovery. */
  readonly found = new Map<string, Discovery<S, A>>();
  readonly start = performance.now();
  private lastProgress = this.start;
  /** Set when a limit (time, states) stopped the run. */
  stopped = false;

  constructor(
    readonly model: Model<S, A>,
    readonly options: CheckOptions,
  ) {
    for (const p of model.properties()) this[p.kind].push(p);
  }

  /** Fingerprints `s` (its representative under symmetry) into `this.fp`. */
  hash(s: S): void {
    const m = this.model;
    fingerprint(m.encode(this.options.symmetry && m.representative ? m.representative(s) : s), this.fp);
  }

  /**
   * Checks the safety and sometimes properties on a new state; `trace` is called only when there is
   * something to report, so the hot path allocates nothing.
   */
  check(s: S, trace: () => Trace<S, A>): void {
    for (const p of this.always) {
      if (!this.found.has(p.name) && !p.holds(s)) this.record(p.name, 'safety', true, trace());
    }
    for (const p of this.sometimes) {
      if (!this.found.has(p.name) && p.holds(s)) this.record(p.name, 'sometimes', false, trace());
    }
  }

  /** Records a deadlock unless the state is an accepted end or one was found already. */
  deadlock(s: S, trace: () => Trace<S, A>): void {
    if (!this.options.deadlock || this.found.has('deadlock')) return;
    if (this.model.isEndState?.(s)) return;
    this.record('deadlock', 'deadlock', true, trace());
  }

  /** Stores a discovery (first one per property wins; BFS finds the shortest first). */
  record(property: string, kind: DiscoveryKind, violation: boolean, trace: Trace<S, A> | null): void {
    if (!this.found.has(property)) this.found.set(property, { property, kind, violation, trace });
  }

  /** Called every few thousand states: emits progress and returns true once a limit is hit. */
  limitReached(states: number, depth: number, queue: number): boolean {
    const now = performance.now();
    if (now - this.start >= this.options.timeoutMs || states >= this.options.maxStates) this.stopped = true;
    const cb = this.options.onProgress;
    if (cb && now - this.lastProgress >= 500) {
      this.lastProgress = now;
      cb({ states, depth, queue, statesPerSecond: states / ((now - this.start) / 1000) });
    }
    return this.stopped;
  }

  /** Builds the report; a complete run turns sometimes-properties never seen into violations. */
  report(
    states: number,
    transitions: number,
    maxDepth: number,
    bytes: number,
    complete: boolean,
  ): Report<S, A> {
    if (complete) {
      for (const p of this.sometimes) this.record(p.name, 'sometimes', true, null);
    }
    const discoveries = [...this.found.values()];
    return {
      states,
      transitions,
      maxDepth,
      seconds: (performance.now() - this.start) / 1000,
      bytesPerState: states === 0 ? 0 : bytes / states,
      complete,
      discoveries,
      violations: discoveries.filter((d) => d.violation),
    };
  }
}
