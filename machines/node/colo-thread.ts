import { initialTransition } from 'xstate';
import { performColoActions } from './actions.js';
import { nodeMachines } from './definitions.js';
import { hasMultifd } from './multifd.js';
import { startRamLoad, stepRamPhase } from './ram-phase.js';
import { coloNextEvent, consume } from './threads.js';
import type { AnyEvent, DescribedAction, Tx } from './tx.js';
import type { NodeState } from './types.js';

/**
 * Starts the COLO thread: the primary's from migration_iteration_finish (migrate_start_colo_process),
 * the secondary's from colo_incoming_co. Its entry actions run at once (failover_init_state).
 * @internal
 */
export function startColoThread(tx: Tx): void {
  const machines = nodeMachines(tx.node.config.profile);
  const machine = tx.node.config.role === 'primary' ? machines.primary : machines.secondary;
  const [snapshot, actions] = initialTransition(machine);
  tx.set({ colo: snapshot, qemuEvents: { checkpoint: false, exit: false, incoming: false } });
  // the primary's return path: opened here (colo_process_checkpoint), or reused from migration (v11 21/21)
  if (tx.node.config.role === 'primary') tx.set({ rp: 'open' });
  performColoActions(tx, actions as DescribedAction[]);
}

/**
 * A QEMU without multifd-colo (7.2, `coloMultifd` off) accepts x-colo with multifd and reaches colo, but
 * its COLO load reads RAM from the main channel only (colo.c:colo_incoming_process_checkpoint ->
 * qemu_loadvm_state_main) while the checkpoint's pages went over multifd: the load returns an error, and
 * the first checkpoint ends in COLO_EXIT(secondary, error), as real 7.2 does (docs/qemu-7.2.md).
 */
const loadsColoMultifd = (node: NodeState): boolean => !hasMultifd(node) || node.config.profile.coloMultifd;
/** colo.c: "Load VM's live state (ram) error": the thread goes to out as on a broken channel. */
const LOAD_FAILED: AnyEvent = { type: 'channel-error' };

/** Runs the COLO thread's next atomic step, if it has one. @internal */
export function stepColoThread(tx: Tx): void {
  if (tx.node.rp === 'freed') {
    tx.set({ rp: 'null' }); // s->rp_state.from_dst_file = NULL, after the fclose, still without the lock
    return;
  }
  if (tx.node.ramPhase !== 'idle') {
    stepRamPhase(tx);
    return;
  }
  const next = coloNextEvent(tx.node);
  if (!next) return;
  consume(tx, next);
  const event = next.type === 'ram-loaded' && !loadsColoMultifd(tx.node) ? LOAD_FAILED : next;
  if (event.type === 'ram-loaded' && hasMultifd(tx.node)) {
    startRamLoad(tx); // MULTIFD_FLUSH before EOF: multifd_recv_sync_main, then the thread goes on
    return;
  }
  performColoActions(tx, tx.send('colo', event));
}
