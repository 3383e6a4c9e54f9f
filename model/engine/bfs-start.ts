import { FingerprintSet } from './fingerprint-set.js';
import { Frontier, type StateStore, stateStoreOf } from './frontier.js';
import type { CheckOptions } from './options.js';
import { NO_PARENT, ParentLinks } from './parent-links.js';
import { RunContext } from './run-context.js';
import { replay } from './trace.js';
import type { Model, Trace } from './types.js';

/** What a breadth-first search starts from: its context, visited set, parent links and first level. @internal */
export interface BfsStart<S, A> {
  readonly ctx: RunContext<S, A>;
  readonly seen: FingerprintSet;
  readonly links: ParentLinks;
  /** The trace to the state of id `id`, made only when a property asks for it. */
  readonly traceOf: (id: number) => () => Trace<S, A>;
  /** The distinct initial states, each checked, in id order from 0. */
  readonly frontier: Frontier<S>;
  /** A new, empty level (packed past `options.frontierObjects` states when the model can). */
  readonly level: () => Frontier<S>;
}

/**
 * The first level of a breadth-first search, shared by the plain and the reduced search: every distinct
 * initial state is fingerprinted, checked and given its id (its discovery order).
 * @internal
 */
export function startBfs<S, A>(model: Model<S, A>, options: CheckOptions): BfsStart<S, A> {
  const ctx = new RunContext(model, options);
  const seen = FingerprintSet.forTarget(options.maxStates);
  const links = new ParentLinks();
  const fp = ctx.fp;
  const traceOf = (id: number) => (): Trace<S, A> => {
    const { init, steps } = links.path(id);
    return replay(model, init, steps);
  };
  const store: StateStore<S> | null = stateStoreOf(model);
  const level = (): Frontier<S> => new Frontier(store, options.frontierObjects);
  const frontier = level();
  const inits = model.initStates();
  for (let i = 0; i < inits.length; i++) {
    const s = inits[i]!;
    ctx.hash(s);
    if (!seen.add(fp[0]!, fp[1]!)) continue;
    ctx.check(s, traceOf(links.push(NO_PARENT, i)));
    frontier.push(s);
  }
  return { ctx, seen, links, traceOf, frontier, level };
}
