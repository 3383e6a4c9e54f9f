/**
 * What a node is, asked of the node: every layer outside machines/ reads a node through these queries
 * (and the tags behind them), never by comparing a machine's state name.
 * @packageDocumentation
 */
import type { AnyMachineSnapshot } from 'xstate';
import { getColoMode } from '../colo-mode.js';
import type { Profile } from '../profiles.js';
import { TAG } from '../tags.js';
import type { ColoMode, FailoverStatus, MigrationStatus } from '../vocabulary.js';
import { nodeMachines } from './definitions.js';
import { hasTag } from './tx.js';
import type { NodeRole, NodeState } from './types.js';

/** This side's migration status: the source machine's on a primary, the incoming machine's on a secondary. @public */
export const migrationStatus = (node: NodeState): MigrationStatus =>
  (node.config.role === 'primary' ? node.source.value : node.incoming.value) as MigrationStatus;

/** failover_get_state(). @public */
export const failoverStatus = (node: NodeState): FailoverStatus => node.failover.value as FailoverStatus;

/** colo.c:get_colo_mode, derived from the node's two status machines. @public */
export const coloMode = (node: NodeState): ColoMode =>
  getColoMode(node.source.value as MigrationStatus, node.incoming.value as MigrationStatus);

/** No migration runs on this side (migration_is_running is false and it is not in colo). @public */
export const migrationIdle = (node: NodeState): boolean =>
  hasTag(node.config.role === 'primary' ? node.source : node.incoming, TAG.noMigration);

/** The primary's precopy runs (active, device or paused before the switchover): RAM still moves. @public */
export const inPrecopy = (node: NodeState): boolean => hasTag(node.source, TAG.precopy);

/** The primary paused before the switchover and waits for migrate-continue. @public */
export const awaitsMigrateContinue = (node: NodeState): boolean => hasTag(node.source, TAG.awaitsContinue);

/**
 * The primary's precopy has a switchover step now: the source machine of this profile takes `switchover`
 * in its status (11.0: active -> device, or pre-switchover with pause-before-switchover; 7.2's
 * migration_maybe_pause only with pause-before-switchover). The edge asks this instead of knowing the
 * profile, and sends the `switchover` input only when it is one.
 * @example if (takesSwitchover(node.state)) node.input({ kind: 'migration', event: 'switchover' })
 * @public
 */
export const takesSwitchover = (node: NodeState): boolean =>
  node.config.role === 'primary' && node.source.can({ type: 'switchover' });

/** What decides whether a side serves the VM: its role, whether its VM runs, its migration status. @public */
export interface ServiceFacts {
  readonly role: NodeRole;
  readonly profile: Profile;
  readonly vmRunning: boolean;
  readonly status: string;
}

/**
 * The one definition of "this side runs the guest as the service", and so of split brain (both sides
 * serve at once): the primary serves whenever its VM runs (in COLO its guest is the service, the
 * secondary's a replica); the secondary serves when its VM runs outside the statuses where it is COLO's
 * replica (tag `replica`: colo), that is after secondary_vm_do_failover, a plain migration or postcopy.
 * The checker's property, the trace checker, replay and the demo all ask this.
 * @example servesVm({ role: 'secondary', profile: QEMU_11_0, vmRunning: true, status: 'colo' }) // false
 * @public
 */
export function servesVm(facts: ServiceFacts): boolean {
  if (!facts.vmRunning) return false;
  if (facts.role === 'primary') return true;
  const state = nodeMachines(facts.profile).incoming.root.states[facts.status];
  return state === undefined || !state.tags.includes(TAG.replica);
}

/** {@link servesVm} of a node. @public */
export const nodeServesVm = (node: NodeState): boolean =>
  servesVm({
    role: node.config.role,
    profile: node.config.profile,
    vmRunning: node.vm === 'running',
    status: migrationStatus(node),
  });

/** failover_get_state() is completed: this side's failover ran to its end. @public */
export const failoverCompleted = (node: NodeState): boolean => failoverStatus(node) === 'completed';

/** The node took over: its failover completed and it serves the VM. @public */
export const tookOver = (node: NodeState): boolean => failoverCompleted(node) && nodeServesVm(node);

/** The COLO thread runs (started, not ended). @public */
export const coloThreadRunning = (node: NodeState): boolean => node.colo?.status === 'active';

/**
 * The COLO thread waits where it may wait for good (colo.c's idle waits: colo_checkpoint_event and
 * colo_exit_event on the primary, colo_receive_message and colo_incoming_event on the secondary).
 * @public
 */
export const coloThreadIdle = (node: NodeState): boolean =>
  coloThreadRunning(node) && hasTag(node.colo, TAG.idleWait);

/** The COLO thread left its loop (COLO_EXIT) and waits for the operator's failover. @public */
export const awaitsFailover = (node: NodeState): boolean =>
  coloThreadRunning(node) && hasTag(node.colo, TAG.awaitsFailover);

/** The COLO thread holds the BQL where it is. @public */
export const coloHoldsBql = (node: NodeState): boolean => hasTag(node.colo, 'bql');

/** The node's multifd machine (send on the primary, receive on the secondary), if it has one. */
const multifdSnapshot = (node: NodeState): AnyMachineSnapshot | null =>
  node.config.role === 'primary' ? node.multifdSend : node.multifdRecv;

/** The multifd main thread is outside multifd_send and the sync functions (or there is no multifd). @public */
export const multifdMainIdle = (node: NodeState): boolean => {
  const snapshot = multifdSnapshot(node);
  return snapshot === null || hasTag(snapshot, TAG.multifdMainIdle);
};

/**
 * Where the multifd main thread blocks, as the QEMU call it waits in (the state's `blockedIn` meta),
 * with the channel it waits for when it waits per channel; null when it does not block.
 * @public
 */
export function multifdMainBlockedIn(node: NodeState): string | null {
  const snapshot = multifdSnapshot(node);
  if (!snapshot) return null;
  for (const meta of Object.values(snapshot.getMeta()) as Array<{
    blockedIn?: string;
    perChannel?: boolean;
  }>) {
    if (meta?.blockedIn === undefined) continue;
    const index = (snapshot.context as { index?: number }).index ?? 0;
    return meta.perChannel ? `${meta.blockedIn} of channel ${index}` : meta.blockedIn;
  }
  return null;
}

/**
 * A readable name of where the node's threads are, for reports and logs only (never to decide on):
 * the COLO thread's state and the multifd main thread's.
 * @public
 */
export function describeThreads(node: NodeState): { colo: string | null; multifdMain: string | null } {
  const multifd = multifdSnapshot(node);
  return {
    colo: node.colo ? String(node.colo.value) : null,
    multifdMain: multifd ? ((multifd.value as Record<string, string>).main ?? null) : null,
  };
}
