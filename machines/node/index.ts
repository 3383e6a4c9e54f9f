/**
 * One QEMU process as the composition of its machines: the glue QEMU writes between them (failover
 * bottom half, primary_vm_do_failover, secondary_vm_do_failover, the QemuEvents, the VM run state),
 * pure, so the runtime folds its log through it and the checker explores it.
 * @packageDocumentation
 */
export { applyInput } from './apply.js';
export { bringUpScript } from './bring-up-script.js';
export { createNode } from './create.js';
export { channelExited, channelReads, channelState, channelWrites } from './multifd.js';
export {
  awaitsFailover,
  awaitsMigrateContinue,
  coloHoldsBql,
  coloMode,
  coloThreadIdle,
  coloThreadRunning,
  describeThreads,
  failoverCompleted,
  failoverStatus,
  inPrecopy,
  migrationIdle,
  migrationStatus,
  multifdMainBlockedIn,
  multifdMainIdle,
  nodeServesVm,
  type ServiceFacts,
  servesVm,
  takesSwitchover,
  tookOver,
} from './queries.js';
export { isQuiescent } from './quiescent.js';
export { type MachineData, type NodeSnapshot, restoreNode, snapshotNode } from './snapshot.js';
export {
  machineSnapshotText,
  NODE_SNAPSHOT_FIELDS,
  type NodeSnapshotField,
  nodeFieldMachine,
} from './snapshots.js';
export { stableJson } from './stable-json.js';
export { enabledThreads, threadChannel } from './threads.js';
export type {
  Applied,
  Effect,
  IoCompletion,
  NodeConfig,
  NodeFixes,
  NodeInput,
  NodeRole,
  NodeState,
  NodeThread,
  QmpReply,
  VmRunState,
} from './types.js';
export { ALL_FIXES, fixesOf } from './types.js';
