/**
 * runtime/host: the embedding API. {@link startNode} starts one node (role, profile, multifd, QMP
 * address, migration address, log) and returns a {@link LockstepNode} with typed events. Guide:
 * docs/embedding.md.
 * @packageDocumentation
 */
export { type FailoverReport, LockstepNode } from './lockstep-node.js';
export type { NodeEventListener, NodeEventName, NodeEvents } from './node-events.js';
export { type StartNodeOptions, type StartNodeTls, startNode } from './start-node.js';
