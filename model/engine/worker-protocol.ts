import type { DiscoveryKind } from './types.js';
import type { IndexedTrace } from './worker-liveness.js';

/**
 * What the coordinator sends a BFS worker: `init` and `expand` each run one level (the initial states,
 * then one frontier) and are answered by `level`; `link` asks for one parent link of a trace; `liveness`
 * runs the liveness pass for this worker's share of the eventually properties once the search is complete.
 */
export type ToWorker =
  | { type: 'init' }
  | { type: 'expand' }
  | { type: 'link'; local: number }
  | { type: 'liveness' }
  | { type: 'stop' };

/** A property hit inside a worker, by global state reference; the coordinator replays the trace. */
export interface WorkerFinding {
  property: string;
  kind: DiscoveryKind;
  violation: boolean;
  ref: number;
}

/**
 * A worker's answer to a level once it has expanded its frontier and inserted every state its peers sent
 * for the next level: how many it added, its visited-set size and bytes, transitions generated, findings.
 */
export interface LevelDone {
  type: 'level';
  added: number;
  size: number;
  bytes: number;
  transitions: number;
  findings: WorkerFinding[];
}

/** What a BFS worker answers. */
export type FromWorker =
  | LevelDone
  | { type: 'link'; parent: number; action: number }
  | { type: 'liveness'; traces: IndexedTrace[] };

/** Global reference of a worker's local state id: ids interleave so any worker can name any state. */
export function globalRef(local: number, worker: number, workers: number): number {
  return local * workers + worker;
}
