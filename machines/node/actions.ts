import type { ColoExitReason, ColoMessage } from '../vocabulary.js';
import { hasMultifd } from './multifd.js';
import { startRamSend } from './ram-phase.js';
import type { DescribedAction, Tx } from './tx.js';
import type { Effect } from './types.js';
import { fixesOf } from './types.js';
import { vmStart, vmStop } from './vm.js';

/** Actions of the COLO machines that are effects for the edge, passed through unchanged. */
const EDGE_EFFECTS = new Set<Effect['kind']>([
  'send-ram',
  'send-device-state',
  'save-device-state',
  'load-ram',
  'receive-device-state',
  'start-dirty-log',
  'system-reset',
  'flush-ram-cache',
  'load-device-state',
  'arm-timer',
  'close-return-path',
  'replication-start',
  'replication-checkpoint',
  'compare-checkpoint',
]);

/**
 * Carries out what a COLO thread's transition described: effects go to the edge, and the actions that
 * reach other machines of the same process (failover_init_state, migrate_set_state, vm_start…) are
 * applied here, in the order the thread performs them.
 * @internal
 */
export function performColoActions(tx: Tx, actions: readonly DescribedAction[]): void {
  for (const action of actions) {
    const kind = action.type;
    if (kind === 'send-ram' && hasMultifd(tx.node)) {
      startRamSend(tx); // the pages go over multifd first; 'send-ram' is emitted when the sync returns
      continue;
    }
    if (kind === 'close-return-path' && !fixesOf(tx.node.config).returnPathReuse && tx.node.rp === 'open') {
      // colo.c:colo_process_checkpoint out: qemu_fclose(rp) without qemu_file_lock; the NULL store is the next step
      tx.set({ rp: 'freed' });
    }
    if (EDGE_EFFECTS.has(kind as Effect['kind'])) {
      tx.emit({ kind } as Effect);
      continue;
    }
    switch (kind) {
      case 'send':
        tx.emit({ kind: 'send', message: (action.params as { message: ColoMessage }).message });
        break;
      case 'vm-stop':
        vmStop(tx);
        break;
      case 'vm-start':
        vmStart(tx);
        break;
      case 'failover-init': // colo-failover.c:failover_init_state
        tx.send('failover', { type: 'failover-init' });
        break;
      case 'enter-colo': // colo.c:colo_process_incoming_thread: active -> colo
        tx.send('incoming', { type: 'colo-start' });
        break;
      case 'reset-checkpoint-event': // colo.c: qemu_event_reset(&s->colo_checkpoint_event)
        tx.set({ qemuEvents: { ...tx.node.qemuEvents, checkpoint: false } });
        break;
      // a checkpoint is complete: the primary got VMSTATE_LOADED; the secondary loaded the devices
      case 'checkpoint-completed':
        tx.set({ checkpoints: tx.node.checkpoints + 1 });
        break;
      case 'relaunch-handled': // colo.c: failover_set_state(RELAUNCH, NONE)
        tx.send('failover', { type: 'relaunch-handled' });
        break;
      case 'request-failover': // colo-failover.c:failover_request_active -> schedule colo_failover_bh
        tx.send('failover', { type: 'request' });
        if (tx.node.failover.value === 'require') tx.set({ failoverBh: true });
        break;
      case 'colo-exit': {
        const { mode, reason } = action.params as { mode: string; reason: ColoExitReason };
        tx.set({ lastExitReason: reason });
        tx.emit({ kind: 'qmp-event', event: 'COLO_EXIT', data: { mode, reason } });
        break;
      }
      // logged by the edge from the state change; nothing to carry out
      case 'protocol-error':
      case 'channel-error':
      case 'vmstate-loading-start':
      case 'vmstate-loading-end':
        break;
      default:
        throw new Error(
          `node: the COLO machine described an action "${kind}" the node does not know; add it here`,
        );
    }
  }
}
