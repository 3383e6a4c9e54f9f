import type { Property } from './property.js';

/**
 * What a model hands to the fingerprint: canonical bytes, 32-bit words (a {@link WordEncoding}, the
 * fastest), a number packed in a bigint, or a string.
 */
export type Fingerprintable = Uint8Array | WordEncoding | bigint | string;

/**
 * 32-bit words of a state's canonical encoding: the first `length` words of `words`. The engine hashes
 * it at once, so a model may hand back the same buffer on every call.
 */
export interface WordEncoding {
  readonly words: Uint32Array;
  readonly length: number;
}

/**
 * A transition system to explore, in stateright's shape.
 *
 * Contract: `initStates()` and `actions()` must be deterministic (same order on every call), because
 * counterexamples are stored as an init index plus one action index per step and rebuilt by replay.
 */
export interface Model<S, A> {
  /** The initial states, in a fixed order. */
  initStates(): S[];
  /** Appends the actions that may be taken in `state` to `out` (which arrives empty). */
  actions(state: S, out: A[]): void;
  /** The successor of `state` under `action`, or null when the action turns out not to apply. */
  nextState(state: S, action: A): S | null;
  /** The properties to check. */
  properties(): Property<S>[];
  /** Canonical input for the 64-bit fingerprint; equal states must encode equally. */
  encode(state: S): Fingerprintable;
  /** A canonical member of `state`'s symmetry class; used only when the checker has `.symmetry()`. */
  representative?(state: S): S;
  /** True when a state without successors is an accepted end, not a deadlock. */
  isEndState?(state: S): boolean;
  /**
   * The state as worker `owner` can receive it (structured-cloneable), for models whose states point
   * into per-thread tables. Identity when absent. What the receiver needs to resolve the references
   * goes in the dictionary `dictionary(owner)` hands over with the batch.
   */
  pack?(state: S, owner: number): unknown;
  /** What worker `owner` must learn before the states packed for it since the last call: sent once. */
  dictionary?(owner: number): unknown;
  /** Takes in a dictionary from another worker (before that batch's states are unpacked). */
  learn?(dictionary: unknown): void;
  /** Rebuilds in this thread a state `pack` made in another. */
  unpack?(packed: unknown): S;
  /**
   * The packed BFS frontier (this thread only): how many 32-bit words `storeState` writes per state.
   * With all three methods a long BFS level keeps its states as words in typed arrays, not objects.
   */
  stateWords?(): number;
  /** Writes `state` as `stateWords()` words at `words[offset]`; `loadState` must give back an equal state. */
  storeState?(state: S, words: Uint32Array, offset: number): void;
  /** The state `storeState` wrote at `words[offset]`, rebuilt in this thread. */
  loadState?(words: Uint32Array, offset: number): S;
  /**
   * Partial-order reduction (used only by a BFS run with `.partialOrder()`): the indexes into `actions`
   * of an ample set for `state`, or null to expand it fully. `successor(k)` is `nextState(state,
   * actions[k])`, computed once when first asked (ask only for what the decision needs). The set must be
   * non-empty and hold only enabled actions (C0), hold every action that an action outside it could
   * depend on or enable before one of the set is taken (C1), and change nothing any property reads
   * (C2); the engine adds the cycle proviso (C3).
   */
  ample?(state: S, actions: readonly A[], successor: (k: number) => S | null): readonly number[] | null;
  /** A human-readable action label for traces. */
  describeAction?(action: A): string;
  /**
   * The process that performs `action`, for weak fairness in liveness checks. Without it the checker
   * assumes no fairness: every cycle of states that never satisfy the predicate is a counterexample.
   */
  process?(action: A): number;
}

/** A path through the model: `states[i + 1] = nextState(states[i], actions[i])`. */
export interface Trace<S, A> {
  /** The visited states, starting with an initial state. */
  states: S[];
  /** The actions taken, one fewer than `states`. */
  actions: A[];
  /** For a lasso: the index in `states` where the cycle starts (the last state equals this one). */
  loopStart?: number;
}

/** Which kind of finding a discovery is. */
export type DiscoveryKind = 'safety' | 'deadlock' | 'liveness' | 'sometimes';

/** One finding: a counterexample, or for a sometimes-property an example or the absence of one. */
export interface Discovery<S, A> {
  /** The property's name (`deadlock` for the built-in deadlock check). */
  property: string;
  /** The kind of finding. */
  kind: DiscoveryKind;
  /** True for a counterexample; false for a sometimes-property's example. */
  violation: boolean;
  /** The trace, or null when a sometimes-property was never satisfied in a complete run. */
  trace: Trace<S, A> | null;
}

/** What a run reports. */
export interface Report<S, A> {
  /** Distinct states visited (after symmetry reduction). */
  states: number;
  /** Transitions generated (non-null successors), including those to known states. */
  transitions: number;
  /** The deepest level reached. */
  maxDepth: number;
  /** Wall time. */
  seconds: number;
  /** Bytes of the visited set plus parent links, per state. */
  bytesPerState: number;
  /** True when every reachable state was explored (no depth, state or time limit cut the run short). */
  complete: boolean;
  /** Every finding, examples included. */
  discoveries: Discovery<S, A>[];
  /** The findings that are counterexamples. */
  violations: Discovery<S, A>[];
  /** With partial-order reduction: how many states were expanded by an ample set, not fully. */
  reducedStates?: number;
}

/** A progress sample, delivered at most every 500 ms. */
export interface Progress {
  /** Distinct states so far. */
  states: number;
  /** The current depth (BFS level, DFS stack depth, or simulation step). */
  depth: number;
  /** States waiting to be expanded. */
  queue: number;
  /** Throughput since the start of the run. */
  statesPerSecond: number;
}
