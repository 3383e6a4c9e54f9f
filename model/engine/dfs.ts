import { FingerprintSet } from './fingerprint-set.js';
import { checkLiveness } from './liveness.js';
import type { CheckOptions } from './options.js';
import { RunContext } from './run-context.js';
import type { Model, Report, Trace } from './types.js';

/**
 * Depth-first search with an explicit stack (no recursion, so deep models cannot overflow the call
 * stack). The stack is the trace, so no parent links are stored: only the visited set counts toward
 * bytes per state. Per-depth action arrays are reused, so the hot path allocates only what the model does.
 */
export function runDfs<S, A>(model: Model<S, A>, options: CheckOptions): Report<S, A> {
  const ctx = new RunContext(model, options);
  const seen = FingerprintSet.forTarget(options.maxStates);
  const fp = ctx.fp;
  const states: S[] = [];
  const actions: A[][] = [];
  let next = new Int32Array(64);
  let enabled = new Int32Array(64);
  let top = -1;
  const trace = (): Trace<S, A> => ({
    states: states.slice(0, top + 1),
    actions: actions.slice(0, top).map((as, d) => as[next[d]! - 1]!),
  });
  const push = (s: S): void => {
    top++;
    if (top === next.length) {
      next = grow(next);
      enabled = grow(enabled);
    }
    states[top] = s;
    const out = actions[top] ?? [];
    actions[top] = out;
    out.length = 0;
    model.actions(s, out);
    next[top] = 0;
    enabled[top] = 0;
    ctx.check(s, trace);
  };

  let transitions = 0;
  let maxDepth = 0;
  let complete = true;
  let steps = 0;
  search: for (const init of model.initStates()) {
    ctx.hash(init);
    if (!seen.add(fp[0]!, fp[1]!)) continue;
    push(init);
    while (top >= 0) {
      if ((++steps & 4095) === 0 && ctx.limitReached(seen.size, top, top)) {
        complete = false;
        break search;
      }
      const out = actions[top]!;
      const k = next[top]!;
      if (k === out.length) {
        if (enabled[top] === 0) ctx.deadlock(states[top]!, trace);
        top--;
        continue;
      }
      next[top] = k + 1;
      const t = model.nextState(states[top]!, out[k]!);
      if (t === null) continue;
      enabled[top]!++;
      transitions++;
      if (top >= options.maxDepth) {
        complete = false;
        continue;
      }
      ctx.hash(t);
      if (!seen.add(fp[0]!, fp[1]!)) continue;
      push(t);
      if (top > maxDepth) maxDepth = top;
      if (seen.size >= options.maxStates) {
        complete = false;
        break search;
      }
    }
  }
  if (complete) checkLiveness(ctx);
  return ctx.report(seen.size, transitions, maxDepth, seen.bytes, complete);
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
