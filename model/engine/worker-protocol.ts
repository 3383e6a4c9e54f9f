import type { DiscoveryKind } from './types.js';

/** What the coordinator sends a BFS worker. */
export type ToWorker<S> =
  | { type: 'init' }
  | { type: 'expand' }
  | { type: 'insert'; batches: Batch<S>[] }
  | { type: 'link'; local: number }
  | { type: 'stop' };

/**
 * States bound for one owner: the state (packed by the model when it has `pack`), its fingerprint
 * (two words per state, so the owner unpacks only states it has not seen), its parent's global
 * reference and the action index.
 */
export interface Batch<S> {
  /** The model's dictionary for these states (Model.dictionary), learnt before they are unpacked. */
  dictionary?: unknown;
  states: S[];
  fingerprints: number[];
  parents: number[];
  actions: number[];
}

/** A property hit inside a worker, by global state reference; the coordinator replays the trace. */
export interface WorkerFinding {
  property: string;
  kind: DiscoveryKind;
  violation: boolean;
  ref: number;
}

/** What a BFS worker answers. */
export type FromWorker<S> =
  | { type: 'inserted'; added: number; size: number; bytes: number; findings: WorkerFinding[] }
  | { type: 'expanded'; outbox: Batch<S>[]; transitions: number; findings: WorkerFinding[] }
  | { type: 'link'; parent: number; action: number };

/** Global reference of a worker's local state id: ids interleave so any worker can name any state. */
export function globalRef(local: number, worker: number, workers: number): number {
  return local * workers + worker;
}
