import { keyOf, multifdOf, perform, region } from './multifd.js';
import { memoCan } from './transition-memo.js';
import type { Tx } from './tx.js';
import type { NodeState } from './types.js';

/*
 * The thread that moves a checkpoint's RAM inside multifd: the primary's COLO (migration) thread in
 * ram_save_complete, the secondary's COLO thread in multifd_recv_sync_main. `ramPhase` says where it is;
 * every step of it is a `main.step` of the multifd machine, taken by the COLO thread's scheduler slot.
 */

/**
 * ram.c:ram_save_complete on the primary's COLO (migration) thread: the dirty pages go out with
 * multifd_send, once per packet, then multifd_ram_flush_and_sync; the main channel's MULTIFD_FLUSH and
 * EOF follow once the sync returns. The first multifd_send starts at once; `bitmap-sync` asks the edge
 * how many more the round's dirty pages need (`ram-jobs`), none unless it answers. @internal
 */
export function startRamSend(tx: Tx): void {
  tx.set({ ramPhase: 'send', ramJobs: 0 });
  tx.emit({ kind: 'bitmap-sync' }); // ram.c:migration_bitmap_sync, the VM stopped
  tx.send('multifdSend', { type: 'send' }); // multifd.c:multifd_send, the round's first packet
  settleRamPhase(tx);
}

/**
 * The edge's answer to `bitmap-sync`: the round's dirty pages fill `jobs` packets. It comes before any
 * thread steps again, so the first multifd_send is still under way; later, or outside a round, it is too
 * late to change anything and is ignored. @internal
 */
export function ramJobs(tx: Tx, jobs: number): void {
  if (tx.node.ramPhase !== 'send' || !Number.isInteger(jobs)) return;
  tx.set({ ramJobs: Math.max(0, jobs - 1) });
}

/** ram.c: RAM_SAVE_FLAG_MULTIFD_FLUSH read on the main channel -> multifd_recv_sync_main. @internal */
export function startRamLoad(tx: Tx): void {
  tx.set({ ramPhase: 'sync' });
  tx.send('multifdRecv', { type: 'sync' });
}

/** The COLO thread inside multifd_send / multifd_send_sync_main / multifd_recv_sync_main can run. @internal */
export function ramPhaseReady(node: NodeState): boolean {
  const snapshot = multifdOf(node);
  return snapshot !== null && memoCan(snapshot, { type: 'main.step' });
}

/** One step of the main thread's multifd code, then what QEMU does when that call returns. @internal */
export function stepRamPhase(tx: Tx): void {
  perform(tx, -1, tx.send(keyOf(tx.node), { type: 'main.step' }));
  settleRamPhase(tx);
}

function settleRamPhase(tx: Tx): void {
  const main = region(multifdOf(tx.node), 'main');
  if (tx.node.config.role === 'secondary') {
    if (main === 'synced') {
      tx.set({ ramPhase: 'idle' });
      tx.send('colo', { type: 'ram-loaded' }); // QEMU_VM_EOF: qemu_loadvm_state_main returns
    }
    return;
  }
  if (main === 'failed') {
    // multifd_send or multifd_send_sync_main returned an error: qemu_savevm_live_state fails
    tx.set({ ramPhase: 'idle', ramJobs: 0, completions: [...tx.node.completions, 'channel-error'] });
  } else if (tx.node.ramPhase === 'send' && main === 'idle' && tx.node.ramJobs > 0) {
    tx.set({ ramJobs: tx.node.ramJobs - 1 });
    tx.send('multifdSend', { type: 'send' }); // multifd.c:multifd_send, the round's next packet
    settleRamPhase(tx);
  } else if (tx.node.ramPhase === 'send' && main === 'idle') {
    tx.set({ ramPhase: 'sync' }); // multifd_ram_flush_and_sync -> multifd_send_sync_main
    tx.send('multifdSend', { type: 'sync' });
    settleRamPhase(tx);
  } else if (tx.node.ramPhase === 'sync' && main === 'synced') {
    tx.set({ ramPhase: 'idle' });
    tx.emit({ kind: 'send-ram' }); // MULTIFD_FLUSH and QEMU_VM_EOF on the main channel
  }
}
