/**
 * The generic explicit-state checker engine: models, properties, BFS/DFS/simulation, compact visited set.
 * @module
 */
export { CheckerBuilder, checker } from './checker.js';
export { fingerprint } from './fingerprint.js';
export { FingerprintSet } from './fingerprint-set.js';
export type { CheckOptions, WorkerSource } from './options.js';
export { Property, type PropertyKind } from './property.js';
export { prng, type SimulationOptions } from './simulation.js';
export { formatTrace, replay } from './trace.js';
export type {
  Discovery,
  DiscoveryKind,
  Fingerprintable,
  Model,
  Progress,
  Report,
  Trace,
  WordEncoding,
} from './types.js';
export { type PropertyVerdict, type Verdict, verdicts } from './verdict.js';
