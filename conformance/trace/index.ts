/**
 * conformance/trace: replays a QEMU QMP log through the machines of a profile.
 * @packageDocumentation
 */
export * from './attach.js';
export * from './check-trace.js';
export * from './checker.js';
export type { SentCommand } from './commands.js';
export * from './failover-replay.js';
export * from './read.js';
export * from './report.js';
export { type ServingInterval, ServingTracker } from './serving.js';
export * from './status-replay.js';
