/**
 * runtime/node: a COLO node executing the machines over real sockets with real pages.
 * @packageDocumentation
 */

export { type ChannelOwner, ChannelReader } from './channel-reader.js';
export type { WorkerStore } from './channel-worker.js';
export { checkpointRam, multifdCheckpointRam } from './checkpoint-ram.js';
export { type FoldedNodeLog, foldNodeLog } from './fold-node-log.js';
export { foldStep, initialFold, type NodeFold, RECENT_TIMELINE, recordTimeline } from './fold-step.js';
export { CONNECT_TIMEOUT_MS, connectLink, type Link, parseTcpUri, shutdownLink } from './link.js';
export {
  bindListener,
  HANDSHAKE_TIMEOUT_MS,
  type ListenOptions,
  listenLink,
  MAX_PENDING_HANDSHAKES,
  reserveListener,
  takeReservedListener,
} from './link-listener.js';
export {
  distinguishedName,
  type LinkSecurity,
  type LinkTls,
  linkChannels,
  linkSecurityOf,
  setLinkSecurity,
  tlsRefusal,
} from './link-tls.js';
export type { LoggedInput } from './logged-input.js';
export { MultifdSendEdge } from './multifd-send-edge.js';
export { NodeRuntime } from './node-runtime.js';
export { ArrivalScheduler, type NodeScheduler } from './node-scheduler.js';
export { DEFAULT_RUNTIME_OPTIONS, type RuntimeOptions } from './options.js';
export { type CheckpointPhases, PauseClock } from './pause-clock.js';
export { PEER_TIMEOUT_MS } from './peer-watch.js';
export { attachPrimary } from './primary-path.js';
export { BLOCK_PAGES, RamDigest } from './ram-digest.js';
export { type MultifdThreads, RamReceiver, type ReceiverSink } from './ram-receiver.js';
export { RamSender, type SentBatch } from './ram-sender.js';
export { type ReturnPathSink, readReturnPath } from './return-path.js';
export { Scheduler, type StepGate } from './scheduler.js';
export { SecondaryLoad } from './secondary-load.js';
export { attachSecondary } from './secondary-path.js';
export type { SegmentHeader } from './segment-header.js';
export {
  configOf,
  NODE_LOG_FORMAT,
  NODE_LOG_VERSION,
  type NodeLogStart,
  parseStartLine,
  startLineOf,
} from './start-line.js';
export {
  type CheckpointStats,
  EMPTY_STATS,
  foldStats,
  type InputMeta,
  type NodeStats,
  RECENT_CHECKPOINTS,
} from './stats.js';
