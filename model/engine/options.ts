import type { Progress } from './types.js';

/** How to build the model inside a worker thread: functions cannot cross threads, module paths can. */
export interface WorkerSource {
  /** URL or absolute path of an ES module. */
  module: string;
  /** The exported factory's name; it is called as `factory(options)` and returns the model. */
  export: string;
  /** Structured-cloneable options for the factory. */
  options?: unknown;
}

/** The settings a checker run reads; filled by the builder in checker.ts. */
export interface CheckOptions {
  /** States deeper than this are not generated. */
  maxDepth: number;
  /** Stop after this many distinct states. */
  maxStates: number;
  /** Fingerprint `representative(s)` instead of `s`. */
  symmetry: boolean;
  /** Wall-clock budget in milliseconds. */
  timeoutMs: number;
  /** Progress callback, called at most every 500 ms. */
  onProgress: ((p: Progress) => void) | null;
  /** Worker count for BFS (1 = this thread). */
  workers: number;
  /** How workers construct the model. */
  workerSource: WorkerSource | null;
  /** Report states with no successors that are not end states. */
  deadlock: boolean;
  /** Partial-order reduction through `Model.ample` (BFS on one thread only). */
  partialOrder: boolean;
  /**
   * States of a BFS level kept as objects before the rest are packed into typed arrays (when the model
   * has `storeState`/`loadState`; one-thread BFS only).
   */
  frontierObjects: number;
}

/** The default for {@link CheckOptions.frontierObjects}: small searches never pack. */
export const FRONTIER_OBJECTS = 65_536;

/** The defaults: unbounded, no symmetry, one thread, deadlock check on, no reduction. */
export function defaultOptions(): CheckOptions {
  return {
    maxDepth: Number.POSITIVE_INFINITY,
    maxStates: Number.POSITIVE_INFINITY,
    symmetry: false,
    timeoutMs: Number.POSITIVE_INFINITY,
    onProgress: null,
    workers: 1,
    workerSource: null,
    deadlock: true,
    partialOrder: false,
    frontierObjects: FRONTIER_OBJECTS,
  };
}
