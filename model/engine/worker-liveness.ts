import { fingerprint } from './fingerprint.js';
import { checkLiveness } from './liveness.js';
import { defaultOptions } from './options.js';
import { RunContext } from './run-context.js';
import type { Model, Trace } from './types.js';

/**
 * A liveness counterexample as it crosses threads: states cannot (they may point into per-thread tables),
 * so the trace goes as an initial-state index and one action index per step, like a BFS parent chain, and
 * the coordinator rebuilds it by replay.
 */
export interface IndexedTrace {
  /** The eventually property the trace refutes. */
  property: string;
  /** Index in `initStates()` of the first state. */
  init: number;
  /** Per step, the index of the action in the state's `actions()` list. */
  steps: number[];
  /** Where the cycle starts, as in {@link Trace.loopStart}. */
  loopStart?: number;
}

/**
 * Runs the liveness pass in this worker for the eventually properties `mine` selects (by position), after
 * a complete search. A worker's tables are warm by then; the coordinator's model has compiled nothing,
 * and for the COLO model the pass cost about a second there against a fraction of that here.
 */
export function livenessInWorker<S, A>(
  model: Model<S, A>,
  symmetry: boolean,
  mine: (position: number) => boolean,
): IndexedTrace[] {
  const ctx = new RunContext(model, { ...defaultOptions(), symmetry });
  const all = ctx.eventually.splice(0);
  all.forEach((p, i) => {
    if (mine(i)) ctx.eventually.push(p);
  });
  checkLiveness(ctx);
  const traces: IndexedTrace[] = [];
  for (const d of ctx.found.values()) {
    if (d.trace) traces.push({ property: d.property, ...indexTrace(model, d.trace) });
  }
  return traces;
}

/**
 * The indexes that replay `trace`: per step the action itself when `actions()` hands out the same
 * object again, otherwise the first action whose successor has the same fingerprint as the next state.
 */
export function indexTrace<S, A>(model: Model<S, A>, trace: Trace<S, A>): Omit<IndexedTrace, 'property'> {
  const fp = new Uint32Array(2);
  const want = new Uint32Array(2);
  const same = (s: S): boolean => {
    fingerprint(model.encode(s), fp);
    return fp[0] === want[0] && fp[1] === want[1];
  };
  const find = (candidates: readonly (S | null)[], target: S): number => {
    fingerprint(model.encode(target), want);
    const k = candidates.findIndex((c) => c !== null && same(c));
    if (k < 0) throw new Error('liveness: a trace step matches no action; is the model deterministic?');
    return k;
  };
  const init = find(model.initStates(), trace.states[0]!);
  const steps: number[] = [];
  const out: A[] = [];
  for (let j = 0; j < trace.actions.length; j++) {
    const s = trace.states[j]!;
    out.length = 0;
    model.actions(s, out);
    const k = out.indexOf(trace.actions[j]!);
    steps.push(
      k >= 0
        ? k
        : find(
            out.map((a) => model.nextState(s, a)),
            trace.states[j + 1]!,
          ),
    );
  }
  return trace.loopStart === undefined ? { init, steps } : { init, steps, loopStart: trace.loopStart };
}
