import { FingerprintSet } from './fingerprint-set.js';
import type { CheckOptions } from './options.js';
import { RunContext } from './run-context.js';
import type { Model, Report, Trace } from './types.js';

/** Settings for random simulation. */
export interface SimulationOptions {
  /** Longest walk; a walk also ends at a state without successors. Default 1000. */
  maxDepth?: number;
  /** Number of walks; default 1000 unless a timeout or a state target ends the run first. */
  runs?: number;
}

/** mulberry32: a tiny, fast, seedable PRNG; the same seed gives the same walks on every platform. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Random walks from random initial states, choosing uniformly among enabled actions. Finds safety
 * violations, deadlocks and sometimes-examples in models too large to enumerate; never claims
 * completeness, so liveness is not checked and an unseen sometimes-property is not a violation.
 * The visited set only counts distinct states. Reproducible: the same seed gives the same report.
 */
export function runSimulation<S, A>(
  model: Model<S, A>,
  options: CheckOptions,
  seed: number,
  sim: SimulationOptions,
): Report<S, A> {
  const ctx = new RunContext(model, options);
  const seen = new FingerprintSet();
  const random = prng(seed);
  const maxDepth = Math.min(sim.maxDepth ?? 1000, options.maxDepth);
  const bounded = Number.isFinite(options.timeoutMs) || Number.isFinite(options.maxStates);
  const runs = sim.runs ?? (bounded ? Number.POSITIVE_INFINITY : 1000);
  const inits = model.initStates();
  const path: S[] = [];
  const taken: A[] = [];
  const trace = (): Trace<S, A> => ({ states: path.slice(), actions: taken.slice() });
  const out: A[] = [];
  const succ: S[] = [];
  const succAction: A[] = [];
  let transitions = 0;
  let deepest = 0;
  for (let run = 0; run < runs && inits.length > 0; run++) {
    if (ctx.limitReached(seen.size, 0, 0)) break;
    path.length = 0;
    taken.length = 0;
    let s = inits[Math.floor(random() * inits.length)]!;
    for (;;) {
      path.push(s);
      ctx.hash(s);
      if (seen.add(ctx.fp[0]!, ctx.fp[1]!)) ctx.check(s, trace);
      if (path.length - 1 >= maxDepth) break;
      out.length = 0;
      succ.length = 0;
      succAction.length = 0;
      model.actions(s, out);
      for (const a of out) {
        const t = model.nextState(s, a);
        if (t === null) continue;
        succ.push(t);
        succAction.push(a);
      }
      transitions += succ.length;
      if (succ.length === 0) {
        ctx.deadlock(s, trace);
        break;
      }
      const k = Math.floor(random() * succ.length);
      taken.push(succAction[k]!);
      s = succ[k]!;
    }
    if (path.length - 1 > deepest) deepest = path.length - 1;
  }
  return ctx.report(seen.size, transitions, deepest, seen.bytes, false);
}
