import type { Property } from './property.js';
import type { RunContext } from './run-context.js';
import type { Trace } from './types.js';

/** Membership test for the SCC under inspection, by fingerprint. */
export type Inside = (hi: number, lo: number) => boolean;

interface Witness {
  hi: number;
  lo: number;
  /** The process whose step must be taken from this state, or -1 when visiting it is enough. */
  process: number;
}

/** Successors of `s` that stay inside the SCC (and fail `p`), with their action and process. */
function* inner<S, A>(
  ctx: RunContext<S, A>,
  p: Property<S>,
  s: S,
  inside: Inside,
): Generator<[A, S, number]> {
  const out: A[] = [];
  ctx.model.actions(s, out);
  for (const a of out) {
    const t = ctx.model.nextState(s, a);
    if (t === null || p.holds(t)) continue;
    ctx.hash(t);
    if (inside(ctx.fp[0]!, ctx.fp[1]!)) yield [a, t, ctx.model.process?.(a) ?? -1];
  }
}

/**
 * The witnesses a fair cycle through the SCC must pass, or null when the SCC has no fair cycle: it is
 * trivial (one state, no self-loop) or some process is enabled everywhere in it and never steps inside.
 */
function witnesses<S, A>(
  ctx: RunContext<S, A>,
  p: Property<S>,
  states: S[],
  inside: Inside,
): Witness[] | null {
  const { model } = ctx;
  const taken = new Map<number, Witness>();
  const disabledAt = new Map<number, Witness>();
  const everEnabled = new Set<number>();
  let edges = 0;
  const enabledHere = new Set<number>();
  const perState: { w: Witness; enabled: Set<number> }[] = [];
  for (const s of states) {
    ctx.hash(s);
    const here: Witness = { hi: ctx.fp[0]!, lo: ctx.fp[1]!, process: -1 };
    enabledHere.clear();
    const out: A[] = [];
    model.actions(s, out);
    for (const a of out)
      if (model.nextState(s, a) !== null && model.process) enabledHere.add(model.process(a));
    for (const [, , q] of inner(ctx, p, s, inside)) {
      edges++;
      if (!taken.has(q)) taken.set(q, { ...here, process: q });
    }
    for (const q of enabledHere) everEnabled.add(q);
    perState.push({ w: here, enabled: new Set(enabledHere) });
  }
  if (edges === 0) return null;
  if (!model.process) return [];
  for (const q of everEnabled) {
    const off = perState.find((x) => !x.enabled.has(q));
    if (off) disabledAt.set(q, off.w);
    else if (!taken.has(q)) return null;
  }
  return [...everEnabled].map((q) => disabledAt.get(q) ?? taken.get(q)!);
}

/** True when the SCC `states` contains a cycle that counts under the assumed fairness. */
export function isFair<S, A>(ctx: RunContext<S, A>, p: Property<S>, states: S[], inside: Inside): boolean {
  return witnesses(ctx, p, states, inside) !== null;
}

/** Shortest path inside the SCC from `from` to a state with fingerprint (hi, lo); empty when already there. */
function pathTo<S, A>(
  ctx: RunContext<S, A>,
  p: Property<S>,
  from: S,
  hi: number,
  lo: number,
  inside: Inside,
): Trace<S, A> {
  const nodes: { s: S; parent: number; a: A | null }[] = [{ s: from, parent: -1, a: null }];
  ctx.hash(from);
  const seen = new Set<string>([`${ctx.fp[0]},${ctx.fp[1]}`]);
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    ctx.hash(n.s);
    if (ctx.fp[0] === hi && ctx.fp[1] === lo) {
      const states: S[] = [];
      const actions: A[] = [];
      for (let j = i; j >= 0; j = nodes[j]!.parent) {
        states.unshift(nodes[j]!.s);
        if (nodes[j]!.parent >= 0) actions.unshift(nodes[j]!.a!);
      }
      return { states, actions };
    }
    for (const [a, t] of inner(ctx, p, n.s, inside)) {
      const key = `${ctx.fp[0]},${ctx.fp[1]}`;
      if (!seen.has(key)) {
        seen.add(key);
        nodes.push({ s: t, parent: i, a });
      }
    }
  }
  throw new Error('lasso: target not reachable inside its SCC');
}

/**
 * A cycle from `root` back to a state with root's fingerprint, through every witness of fairness;
 * null when the SCC has no fair cycle.
 */
export function closeLasso<S, A>(
  ctx: RunContext<S, A>,
  p: Property<S>,
  root: S,
  states: S[],
  inside: Inside,
): Trace<S, A> | null {
  const ws = witnesses(ctx, p, states, inside);
  if (ws === null) return null;
  ctx.hash(root);
  const rootHi = ctx.fp[0]!;
  const rootLo = ctx.fp[1]!;
  const cycle: Trace<S, A> = { states: [root], actions: [] };
  const extend = (t: Trace<S, A>): void => {
    cycle.states.push(...t.states.slice(1));
    cycle.actions.push(...t.actions);
  };
  const step = (q: number): void => {
    const cur = cycle.states[cycle.states.length - 1]!;
    let chosen: [A, S, number] | undefined;
    for (const e of inner(ctx, p, cur, inside)) {
      // Prefer the witness process's own step; any inner step keeps the cycle inside the SCC.
      if (e[2] === q) {
        chosen = e;
        break;
      }
      chosen ??= e;
    }
    if (chosen) extend({ states: [cur, chosen[1]], actions: [chosen[0]] });
  };
  for (const w of ws) {
    extend(pathTo(ctx, p, cycle.states[cycle.states.length - 1]!, w.hi, w.lo, inside));
    if (w.process >= 0) step(w.process);
  }
  if (cycle.actions.length === 0) step(-1);
  extend(pathTo(ctx, p, cycle.states[cycle.states.length - 1]!, rootHi, rootLo, inside));
  return cycle;
}
