/**
 * runtime/node: a COLO node executing the machines over real sockets with real pages.
 * @packageDocumentation
 */
export { CONNECT_TIMEOUT_MS, connectLink, type Link, parseTcpUri, shutdownLink } from './link.js';
export {
  HANDSHAKE_TIMEOUT_MS,
  type ListenOptions,
  listenLink,
  MAX_PENDING_HANDSHAKES,
} from './link-listener.js';
export { type LoggedInput, NodeRuntime, recordTimeline } from './node-runtime.js';
export { DEFAULT_RUNTIME_OPTIONS, type RuntimeOptions } from './options.js';
export { PEER_TIMEOUT_MS } from './peer-watch.js';
export { attachPrimary } from './primary-path.js';
export { BLOCK_PAGES, RamDigest } from './ram-digest.js';
export { Scheduler, type StepGate } from './scheduler.js';
export { attachSecondary } from './secondary-path.js';
export { type CheckpointStats, EMPTY_STATS, foldStats, type InputMeta, type NodeStats } from './stats.js';
