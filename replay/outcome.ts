/**
 * The end of a replay, judged on the runtime: a side told to take over that never serves, the
 * survivor's image after a takeover, and which outcome a trace's property predicts.
 * @packageDocumentation
 */
import type { NodeRole } from '../machines/index.js';
import {
  describeThreads,
  failoverStatus,
  migrationStatus,
  nodeServesVm,
  tookOver,
} from '../machines/index.js';
import { settle } from './bring-up.js';
import type { RuntimeOutcome } from './findings.js';
import { performStep } from './perform.js';
import type { World } from './world.js';

/** The side took over: its failover completed and it runs as the service (machines' `tookOver`). */
const serves = (world: World, side: NodeRole): boolean => tookOver(world.node(side).state);

/**
 * colo-failover.c: x-colo-lost-heartbeat was accepted on a live side; the runtime then runs by itself
 * (no fault, no trigger) until nothing moves. If that side still does not run as the service, it waits
 * for good (reference §5, quirk 3: the COLO thread on colo_exit_event after migrate_cancel).
 * @returns the stalled side and where it waits, or null.
 * @public
 */
export async function failoverStall(world: World): Promise<{ side: NodeRole; detail: string } | null> {
  const told = (['primary', 'secondary'] as const).filter((side) => {
    const reply = world.replies[side].get('hb');
    return !world.node(side).killed && reply !== undefined && 'return' in reply;
  });
  if (told.length === 0) return null;
  await settle(world, world.findings.step);
  // the checkpoint timer keeps firing in QEMU (colo_checkpoint_notify_timer re-arms it): one more tick
  if (told.some((s) => !serves(world, s)) && (await performStep(world, { t: 'trigger' })) === null)
    await settle(world, world.findings.step);
  const side = told.find((s) => !serves(world, s));
  if (!side) return null;
  const n = world.node(side).state;
  const where = describeThreads(n).colo;
  const colo = n.colo
    ? `COLO thread ${n.colo.status === 'active' ? `in ${where}` : 'ended'}`
    : 'no COLO thread';
  return {
    side,
    detail: `x-colo-lost-heartbeat was accepted, but after the runtime ran by itself to a standstill (the checkpoint timer firing once more) the ${side} does not run as the service: ${colo}, failover ${failoverStatus(n)}, migration ${migrationStatus(n)}, VM ${n.vm}`,
  };
}

/**
 * After a takeover by the secondary (it left COLO and runs), its RAM must be the image of a checkpoint
 * the primary sent, no older than the last one the primary completed.
 * @returns what is wrong, or null.
 * @public
 */
export function takeoverMismatch(world: World): string | null {
  const s = world.secondary;
  if (s.killed || !nodeServesVm(s.state)) return null;
  const held = s.state.checkpoints;
  const completed = world.primary.state.checkpoints;
  const digest = world.secondaryEdge.guest.digest();
  const sent = world.primaryEdge.digests.get(held);
  if (held < completed) return `the survivor holds checkpoint ${held}, the primary completed ${completed}`;
  if (digest !== sent)
    return `the survivor's RAM ${digest.slice(0, 16)}… is not the primary's checkpoint ${held} image ${sent?.slice(0, 16) ?? 'none'}…`;
  return null;
}

/**
 * At the end of a replay both processes run the VM as the service (machines' `nodeServesVm`, the one
 * definition the checker's split-brain property uses): the outputs of two VMs reach the clients.
 * @returns what the runtime shows, or null.
 * @public
 */
export function splitBrain(world: World): string | null {
  const serving = (['primary', 'secondary'] as const).filter(
    (side) => !world.node(side).killed && nodeServesVm(world.node(side).state),
  );
  if (serving.length < 2) return null;
  const { primary, secondary } = world;
  return `both processes run the VM as the service: the primary (failover ${failoverStatus(primary.state)}, migration ${migrationStatus(primary.state)}) and the secondary (failover ${failoverStatus(secondary.state)}, migration ${migrationStatus(secondary.state)})`;
}

/** The runtime outcome a trace's property predicts. @public */
export function expectedOutcome(property: string): RuntimeOutcome {
  switch (property) {
    case 'deadlock':
    case 'heartbeat-side-runs': // the side told to take over waits forever
      return 'hang';
    case 'no-released-cache-access':
      return 'released-cache-access';
    case 'no-closed-file-access':
      return 'closed-file-access';
    case 'takeover-holds-complete-checkpoint':
      return 'digest-mismatch';
    case 'split-brain':
      return 'split-brain';
    default: // output-commit: about states, which the step-by-step comparison covers
      return 'none';
  }
}
