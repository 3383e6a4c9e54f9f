import { FingerprintMap } from './fingerprint-map.js';
import { closeLasso, isFair } from './lasso.js';
import type { Property } from './property.js';
import type { RunContext } from './run-context.js';
import type { Trace } from './types.js';

/**
 * Checks every `eventually` property after a complete exploration.
 *
 * A counterexample is a path from an initial state through states that all fail the predicate which
 * either ends in a state without successors, or reaches a cycle (a lasso). Tarjan's SCC algorithm runs
 * on the reachable graph restricted to failing states; a non-trivial SCC holds a counterexample cycle
 * when it is fair.
 *
 * Fairness: with `model.process(action)` the checker assumes weak fairness per process: a cycle does not
 * count if some process is enabled in every state of it and never takes a step inside it (for weak
 * fairness the whole SCC is the fairest cycle, so checking SCCs is exact). Without `process` no fairness
 * is assumed: every such cycle is a counterexample.
 */
export function checkLiveness<S, A>(ctx: RunContext<S, A>): void {
  for (const p of ctx.eventually) {
    const trace = findCounterexample(ctx, p);
    if (trace) ctx.record(p.name, 'liveness', true, trace);
  }
}

interface Frame<S, A> {
  state: S;
  actions: A[];
  k: number;
  index: number;
  enabled: number;
}

function findCounterexample<S, A>(ctx: RunContext<S, A>, p: Property<S>): Trace<S, A> | null {
  const { model, fp } = ctx;
  const indexOf = new FingerprintMap();
  const low: number[] = [];
  const onStack: boolean[] = [];
  const members: number[] = [];
  const memberStates: S[] = [];
  const frames: Frame<S, A>[] = [];
  let counter = 0;
  const open = (state: S): void => {
    ctx.hash(state);
    indexOf.set(fp[0]!, fp[1]!, counter);
    low.push(counter);
    onStack.push(true);
    members.push(counter);
    memberStates.push(state);
    const actions: A[] = [];
    model.actions(state, actions);
    frames.push({ state, actions, k: 0, index: counter++, enabled: 0 });
  };
  // The DFS stack is the path from an initial state to the top frame: the prefix of a counterexample.
  const prefix = (): Trace<S, A> => ({
    states: frames.map((f) => f.state),
    actions: frames.slice(0, -1).map((f) => f.actions[f.k - 1]!),
  });
  for (const init of model.initStates()) {
    if (p.holds(init)) continue;
    ctx.hash(init);
    if (indexOf.get(fp[0]!, fp[1]!) >= 0) continue;
    open(init);
    while (frames.length > 0) {
      const f = frames[frames.length - 1]!;
      if (f.k < f.actions.length) {
        const t = model.nextState(f.state, f.actions[f.k++]!);
        if (t === null) continue;
        f.enabled++;
        if (p.holds(t)) continue;
        ctx.hash(t);
        const j = indexOf.get(fp[0]!, fp[1]!);
        if (j < 0) open(t);
        else if (onStack[j]) low[f.index] = Math.min(low[f.index]!, j);
        continue;
      }
      if (f.enabled === 0) return prefix();
      if (low[f.index] === f.index) {
        const at = members.lastIndexOf(f.index);
        const states = memberStates.slice(at);
        const inside = (hi: number, lo: number): boolean => {
          const j = indexOf.get(hi, lo);
          return j >= f.index && onStack[j] === true;
        };
        if (isFair(ctx, p, states, inside)) {
          const cycle = closeLasso(ctx, p, f.state, states, inside);
          if (cycle) {
            const head = prefix();
            return {
              states: [...head.states, ...cycle.states.slice(1)],
              actions: [...head.actions, ...cycle.actions],
              loopStart: head.states.length - 1,
            };
          }
        }
        for (const m of members.splice(at)) onStack[m] = false;
        memberStates.length = at;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low[parent.index] = Math.min(low[parent.index]!, low[f.index]!);
    }
  }
  return null;
}
