import type { Model, Trace } from './types.js';

/**
 * Rebuilds a trace by replaying the model from `initStates()[init]` through the action indexes. The
 * checker stores only indexes (a few bytes per state), so this is where states reappear.
 */
export function replay<S, A>(model: Model<S, A>, init: number, steps: readonly number[]): Trace<S, A> {
  const first = model.initStates()[init];
  if (first === undefined) throw new RangeError(`replay: no initial state ${init}`);
  const states: S[] = [first];
  const actions: A[] = [];
  const out: A[] = [];
  let s: S = first;
  for (const k of steps) {
    out.length = 0;
    model.actions(s, out);
    // A mismatch means actions()/initStates() are not deterministic, which breaks the storage contract.
    if (k >= out.length) throw new Error(`replay: no action ${k}; is the model deterministic?`);
    const a = out[k]!;
    const next = model.nextState(s, a);
    if (next === null) throw new Error(`replay: action ${k} not applicable; is the model deterministic?`);
    actions.push(a);
    states.push(next);
    s = next;
  }
  return { states, actions };
}

/** Renders a trace as one line per step, using `describeAction` when the model has it. */
export function formatTrace<S, A>(model: Model<S, A>, trace: Trace<S, A>): string {
  const name = (a: A): string => (model.describeAction ? model.describeAction(a) : JSON.stringify(a));
  const lines = trace.actions.map((a, i) => `${i + 1}. ${name(a)}`);
  if (trace.loopStart !== undefined) lines.push(`loop back to step ${trace.loopStart}`);
  return lines.join('\n');
}
