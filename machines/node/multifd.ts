import type { AnyMachineSnapshot } from 'xstate';
import { memoCan } from './transition-memo.js';
import type { Tx } from './tx.js';
import type { NodeInput, NodeState } from './types.js';

type MultifdInput = Extract<NodeInput, { kind: 'multifd' }>;

const region = (snapshot: AnyMachineSnapshot | null, name: string): string | undefined =>
  snapshot ? (snapshot.value as Record<string, string>)[name] : undefined;

/** @internal The multifd side of this node: send on the primary, receive on the secondary. */
const multifdOf = (node: NodeState) => (node.config.role === 'primary' ? node.multifdSend : node.multifdRecv);
const keyOf = (node: NodeState): 'multifdSend' | 'multifdRecv' =>
  node.config.role === 'primary' ? 'multifdSend' : 'multifdRecv';

/** @internal The node moves checkpoint pages over multifd. */
export const hasMultifd = (node: NodeState): boolean => multifdOf(node) !== null;

/**
 * ram.c:ram_save_complete on the primary's COLO (migration) thread: the dirty pages go out with
 * multifd_send, then multifd_ram_flush_and_sync; the main channel's MULTIFD_FLUSH and EOF follow once
 * the sync returns. @internal
 */
export function startRamSend(tx: Tx): void {
  tx.set({ ramPhase: 'send' });
  tx.send('multifdSend', { type: 'send' });
  settleRamPhase(tx);
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
  tx.send(keyOf(tx.node), { type: 'main.step' });
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
    tx.set({ ramPhase: 'idle', completions: [...tx.node.completions, 'channel-error'] });
  } else if (tx.node.ramPhase === 'send' && main === 'idle') {
    tx.set({ ramPhase: 'sync' }); // multifd_ram_flush_and_sync -> multifd_send_sync_main
    tx.send('multifdSend', { type: 'sync' });
    settleRamPhase(tx);
  } else if (tx.node.ramPhase === 'sync' && main === 'synced') {
    tx.set({ ramPhase: 'idle' });
    tx.emit({ kind: 'send-ram' }); // MULTIFD_FLUSH and QEMU_VM_EOF on the main channel
  }
}

/** Whether multifd channel thread `channel` has a step it can take without input. @internal */
export function channelReady(node: NodeState, channel: number): boolean {
  const snapshot = multifdOf(node);
  return snapshot !== null && memoCan(snapshot, { type: `channel-${channel}.step` });
}

/** The channel's thread state (`write-job`, `read`, …), for the edge. @public */
export function channelState(node: NodeState, channel: number): string | undefined {
  return region(multifdOf(node), `channel-${channel}`);
}

/** multifd.c:multifd_send_thread states that write on the channel: the initial packet, a job, a SYNC. */
const WRITING: ReadonlySet<string> = new Set(['init', 'write-job', 'write-sync']);

/**
 * Whether the channel's send thread is about to write on its socket: a step it takes when nobody reads
 * the channel any more is the write error, not the write. @public
 */
export function channelWrites(node: NodeState, channel: number): boolean {
  const state = channelState(node, channel);
  return state !== undefined && WRITING.has(state);
}

/** Runs one step of a multifd channel thread. @internal */
export function stepChannel(tx: Tx, channel: number): void {
  const before = channelState(tx.node, channel);
  const actions = tx.send(keyOf(tx.node), { type: `channel-${channel}.step` });
  if (tx.node.config.role === 'primary' && channelState(tx.node, channel) === 'wait-sem') {
    if (before === 'write-job') tx.emit({ kind: 'multifd-write', channel, packet: 'data' });
    if (before === 'write-sync') tx.emit({ kind: 'multifd-write', channel, packet: 'sync' });
  }
  perform(tx, channel, actions);
}

/** What a channel's socket gave: a packet, a SYNC packet, EOF, a read or a write error. @internal */
export function channelInput(tx: Tx, input: MultifdInput): void {
  const event = { type: `channel-${input.channel}.${input.event}` };
  const snapshot = multifdOf(tx.node);
  if (!snapshot || !memoCan(snapshot, event)) return;
  perform(tx, input.channel, tx.send(keyOf(tx.node), event));
}

/**
 * multifd.c:multifd_recv_terminate_threads(NULL) from the main loop (multifd_recv_shutdown in
 * process_incoming_migration_bh, multifd_recv_cleanup in migration_incoming_state_destroy): the first
 * caller sets `exiting`, posts every p->sem_sync and shuts every channel; later calls return at once.
 * @internal
 */
export function terminateRecv(tx: Tx): void {
  if (!tx.node.multifdRecv) return;
  perform(tx, -1, tx.send('multifdRecv', { type: 'terminate' }));
}

function perform(tx: Tx, channel: number, actions: readonly { type: string }[]): void {
  for (const action of actions) {
    if (action.type === 'store-pages') tx.emit({ kind: 'store-pages', channel });
    // multifd_recv_terminate_threads: shut every channel
    else if (action.type === 'shutdown-channels') tx.emit({ kind: 'shutdown-channels', scope: 'multifd' });
    // multifd_send_set_error: in colo migrate_set_state does nothing, but the event goes to the machine
    else if (action.type === 'multifd-send-error') tx.send('source', { type: 'multifd-send-error' });
  }
}

/** Every receive channel thread has ended (multifd_recv_cleanup can join them). @internal */
export function recvThreadsExited(node: NodeState): boolean {
  const channels = node.config.multifd ?? 0;
  for (let i = 0; i < channels; i++) if (channelState(node, i) !== 'exited') return false;
  return true;
}
