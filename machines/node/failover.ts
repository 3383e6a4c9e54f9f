import { getColoMode } from '../colo-mode.js';
import { hasTag, type Tx } from './tx.js';
import type { QmpReply } from './types.js';
import { fixesOf } from './types.js';
import { vmStop } from './vm.js';

const error = (desc: string): QmpReply => ({ error: { class: 'GenericError', desc } });

/** colo-failover.c:qmp_x_colo_lost_heartbeat and failover_request_active. @internal */
export function lostHeartbeat(tx: Tx): QmpReply {
  const mode = getColoMode(tx.status('source'), tx.status('incoming'));
  if (mode === 'none') return error(tx.node.config.profile.notInColoError);
  tx.send('failover', { type: 'x-colo-lost-heartbeat', coloMode: mode });
  if (tx.node.failover.value !== 'require' || tx.node.failoverBh)
    return error('COLO failover is already activated');
  tx.set({ failoverBh: true });
  return { return: {} };
}

/** colo-failover.c:colo_failover_bh, then colo.c:colo_do_failover. Runs in the main loop with the BQL. @internal */
export function failoverBottomHalf(tx: Tx): void {
  tx.set({ failoverBh: false });
  if (tx.node.failover.value !== 'require') return; // "Unknown error for failover"
  tx.send('failover', { type: 'bottom-half' });
  vmStop(tx); // "Make sure VM stopped while failover happened"
  const mode = getColoMode(tx.status('source'), tx.status('incoming'));
  tx.set({ lastColoMode: mode });
  if (mode === 'primary') primaryFailover(tx);
  else if (mode === 'secondary') secondaryFailover(tx);
}

/** colo.c:primary_vm_do_failover. */
function primaryFailover(tx: Tx): void {
  tx.send('source', { type: 'failover' }); // colo -> completed
  tx.set({ qemuEvents: { ...tx.node.qemuEvents, checkpoint: true } }); // colo_checkpoint_notify
  // qemu_file_shutdown(to_dst_file), qemu_file_shutdown(rp from_dst_file): under qemu_file_lock since v11 19/21
  accessReturnPath(tx, fixesOf(tx.node.config).fileLockInFailover);
  tx.emit({ kind: 'shutdown-channels', scope: 'main' });
  tx.send('failover', { type: 'failover-done' });
  if (tx.node.failover.value !== 'completed') return; // colo_exit_event is never set
  tx.emit({ kind: 'replication-stop' });
  tx.set({ qemuEvents: { ...tx.node.qemuEvents, exit: true } });
}

/** colo.c:secondary_vm_do_failover. */
function secondaryFailover(tx: Tx): void {
  if (hasTag(tx.node.colo, 'vmstate-loading')) {
    tx.send('failover', { type: 'defer' }); // active -> relaunch: the COLO thread requests again
    return;
  }
  tx.send('incoming', { type: 'failover' }); // colo -> completed
  tx.emit({ kind: 'replication-stop' });
  tx.emit({ kind: 'shutdown-channels', scope: 'main' }); // from_src_file, to_src_file
  tx.send('failover', { type: 'failover-done' });
  if (tx.node.failover.value !== 'completed') return;
  // qemu_event_set(&mis->colo_incoming_event); qemu_coroutine_enter(colo_incoming_co): join the thread
  tx.set({ qemuEvents: { ...tx.node.qemuEvents, incoming: true }, joiningColo: true });
}

/** A dereference of s->rp_state.from_dst_file (a shutdown) while the pointer is set. @internal */
export function accessReturnPath(tx: Tx, locked: boolean): void {
  const rp = tx.node.rp;
  if (rp === 'open' || rp === 'freed')
    tx.emit({ kind: 'file-access', file: 'rp', freed: rp === 'freed', locked });
}
