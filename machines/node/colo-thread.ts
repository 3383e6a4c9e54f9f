import { initialTransition } from 'xstate';
import { performColoActions } from './actions.js';
import { nodeMachines } from './definitions.js';
import { hasMultifd } from './multifd.js';
import { startRamLoad, stepRamPhase } from './ram-phase.js';
import { coloNextEvent, consume } from './threads.js';
import type { DescribedAction, Tx } from './tx.js';

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
  const event = coloNextEvent(tx.node);
  if (!event) return;
  consume(tx, event);
  if (event.type === 'ram-loaded' && hasMultifd(tx.node)) {
    startRamLoad(tx); // MULTIFD_FLUSH before EOF: multifd_recv_sync_main, then the thread goes on
    return;
  }
  const before = tx.coloState();
  const actions = tx.send('colo', event);
  performColoActions(tx, actions);
  const after = tx.coloState();
  // a checkpoint is complete: the primary got VMSTATE_LOADED; the secondary loaded the devices
  const done =
    (before === 'wait-vmstate-loaded' && after === 'loop') || (before === 'load' && after === 'loaded');
  if (done) tx.set({ checkpoints: tx.node.checkpoints + 1 });
}
