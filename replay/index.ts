/**
 * replay: a model-checker counterexample executed on two runtime nodes over real sockets (this layer
 * sits above runtime/ and model/, the only one that uses both),
 * under a scheduler that forces the trace's interleaving (docs/replay.md).
 * @packageDocumentation
 */
export { diffNodes, type FieldDifference } from './compare.js';
export type { RuntimeFinding, RuntimeOutcome } from './findings.js';
export { expectedOutcome } from './outcome.js';
export { type Divergence, type ReplayOptions, type ReplayReport, replayFile, replayTrace } from './replay.js';
export { type CounterexampleTrace, checkTraceInModel, parseTrace, readTrace } from './trace-file.js';
export { TraceScheduler } from './trace-scheduler.js';
