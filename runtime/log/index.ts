/**
 * runtime/log: the append-only JSON Lines event log of a node and run, its reader, and folding it into
 * state. Page contents never go in the log; digests do.
 * @packageDocumentation
 */
export * from './event.js';
export * from './event-log.js';
export type { ExistingLog } from './open-new.js';
export * from './read-log.js';
export * from './segments.js';
