import { startBfs } from './bfs-start.js';
import { checkLiveness } from './liveness.js';
import type { CheckOptions } from './options.js';
import type { Model, Report } from './types.js';

/**
 * Breadth-first search, level by level. A state's id is its discovery order, so the state being
 * expanded at position i of the current level has id `levelStart + i` and no fingerprint-to-id map
 * is needed; parent links (id + action index) give the shortest trace to any state.
 */
export function runBfs<S, A>(model: Model<S, A>, options: CheckOptions): Report<S, A> {
  const start = startBfs(model, options);
  const { ctx, seen, links, traceOf, level } = start;
  const fp = ctx.fp;
  let frontier = start.frontier;

  let transitions = 0;
  let depth = 0;
  let levelStart = 0;
  let expanded = 0;
  let complete = true;
  const out: A[] = [];
  search: while (frontier.length > 0) {
    if (depth >= options.maxDepth) {
      complete = false;
      break;
    }
    const next = level();
    for (let i = 0; i < frontier.length; i++) {
      const s = frontier.at(i);
      const id = levelStart + i;
      out.length = 0;
      model.actions(s, out);
      let enabled = 0;
      for (let k = 0; k < out.length; k++) {
        const t = model.nextState(s, out[k]!);
        if (t === null) continue;
        enabled++;
        transitions++;
        ctx.hash(t);
        if (!seen.add(fp[0]!, fp[1]!)) continue;
        ctx.check(t, traceOf(links.push(id, k)));
        next.push(t);
        if (seen.size >= options.maxStates) {
          complete = false;
          break search;
        }
      }
      if (enabled === 0) ctx.deadlock(s, traceOf(id));
      // Count expansions across levels: a narrow, deep model must still see its clock and progress.
      if (
        (++expanded & 1023) === 0 &&
        ctx.limitReached(seen.size, depth, frontier.length - i + next.length)
      ) {
        complete = false;
        break search;
      }
    }
    levelStart += frontier.length;
    frontier = next;
    if (frontier.length > 0) depth++;
  }
  if (complete) checkLiveness(ctx);
  return ctx.report(seen.size, transitions, depth, seen.bytes + links.bytes, complete);
}
