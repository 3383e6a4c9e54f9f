import { startBfs } from './bfs-start.js';
import { FingerprintSet } from './fingerprint-set.js';
import { checkLiveness } from './liveness.js';
import type { CheckOptions } from './options.js';
import type { RunContext } from './run-context.js';
import type { Model, Report } from './types.js';

/**
 * Breadth-first search with partial-order reduction: in each state the model may name an ample set
 * (`Model.ample`), a subset of the enabled actions that stands for all of them (conditions C0, C1 and C2
 * are the model's to meet: non-empty, independent of every action outside it on every path until one
 * of its own is taken, invisible to every property). The engine adds the cycle proviso C3 for BFS: the
 * reduced set is used only when every successor it leads to is new or already waits in the next level;
 * otherwise the state is fully expanded. Either way a reduced edge leads to a state with a larger
 * discovery id than its source, so ids cannot grow all the way round a cycle: every cycle of the reduced
 * graph contains a fully expanded state, and no action is ignored forever. Safety, deadlock and sometimes-properties keep their verdicts;
 * liveness is checked by its own pass over the full graph (liveness.ts), never on the reduced one.
 * Counterexamples are action indexes into the full `actions()` list, so they replay on the model.
 */
export function runReducedBfs<S, A>(
  model: Model<S, A>,
  options: CheckOptions,
  ample: NonNullable<Model<S, A>['ample']>,
): Report<S, A> {
  const start = startBfs(model, options);
  const { ctx, seen, links, traceOf, level } = start;
  const fp = ctx.fp;
  let frontier = start.frontier;

  let transitions = 0;
  let depth = 0;
  let levelStart = 0;
  let expanded = 0;
  let reduced = 0;
  let complete = true;
  const out: A[] = [];
  const succ: (S | null | typeof PENDING)[] = [];
  // the ample set's successor fingerprints, hashed once by the proviso and reused when it holds
  let chosenFp = new Uint32Array(64);
  search: while (frontier.length > 0) {
    if (depth >= options.maxDepth) {
      complete = false;
      break;
    }
    const next = level();
    const nextSeen = new FingerprintSet();
    for (let i = 0; i < frontier.length; i++) {
      const s = frontier.at(i);
      const id = levelStart + i;
      out.length = 0;
      model.actions(s, out);
      succ.length = out.length;
      succ.fill(PENDING);
      // successors are computed when asked: an ample set spares the other actions' nextState
      const successor = (k: number): S | null => {
        let t = succ[k];
        if (t === PENDING) {
          t = model.nextState(s, out[k]!);
          succ[k] = t;
        }
        return t as S | null;
      };
      let chosen = out.length > 0 ? ample(s, out, successor) : null;
      if (chosen !== null && chosenFp.length < 2 * chosen.length)
        chosenFp = new Uint32Array(4 * chosen.length);
      if (chosen !== null && !allAhead(ctx, seen, nextSeen, successor, chosen, chosenFp)) chosen = null;
      if (chosen === null) {
        let enabled = 0;
        for (let k = 0; k < out.length; k++) if (successor(k) !== null) enabled++;
        if (enabled === 0) ctx.deadlock(s, traceOf(id));
      } else reduced++;
      const count = chosen === null ? out.length : chosen.length;
      for (let j = 0; j < count; j++) {
        const k = chosen === null ? j : chosen[j]!;
        const t = successor(k);
        if (t === null) continue;
        transitions++;
        let hi: number;
        let lo: number;
        if (chosen === null) {
          ctx.hash(t);
          hi = fp[0]!;
          lo = fp[1]!;
        } else {
          hi = chosenFp[2 * j]!;
          lo = chosenFp[2 * j + 1]!;
        }
        if (!seen.add(hi, lo)) continue;
        ctx.check(t, traceOf(links.push(id, k)));
        next.push(t);
        nextSeen.add(hi, lo);
        if (seen.size >= options.maxStates) {
          complete = false;
          break search;
        }
      }
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
  const report = ctx.report(seen.size, transitions, depth, seen.bytes + links.bytes, complete);
  return { ...report, reducedStates: reduced };
}

/** A successor not computed yet. */
const PENDING: unique symbol = Symbol('pending');

/**
 * C3 for BFS: every successor the ample set leads to is new or in the next level (a larger id). The
 * j-th chosen successor's fingerprint is left in `fps[2j]`, `fps[2j + 1]` for the expansion.
 */
function allAhead<S, A>(
  ctx: RunContext<S, A>,
  seen: FingerprintSet,
  nextSeen: FingerprintSet,
  successor: (k: number) => S | null,
  chosen: readonly number[],
  fps: Uint32Array,
): boolean {
  const fp = ctx.fp;
  for (let j = 0; j < chosen.length; j++) {
    const t = successor(chosen[j]!);
    if (t === null) return false;
    ctx.hash(t);
    if (seen.has(fp[0]!, fp[1]!) && !nextSeen.has(fp[0]!, fp[1]!)) return false;
    fps[2 * j] = fp[0]!;
    fps[2 * j + 1] = fp[1]!;
  }
  return true;
}
