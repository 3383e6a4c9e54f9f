import type { AnyMachineSnapshot } from 'xstate';
import type { ChannelParams } from '../counters.js';
import type { PacketWritten } from '../multifd-send.js';
import { channelTag } from '../tags.js';
import { type DescribedAction, memoCan } from './transition-memo.js';
import type { Tx } from './tx.js';
import type { NodeInput, NodeState } from './types.js';

type MultifdInput = Extract<NodeInput, { kind: 'multifd' }>;

/** @internal One region's state of a multifd machine (`main`, `channel-0`, …). */
export const region = (snapshot: AnyMachineSnapshot | null, name: string): string | undefined =>
  snapshot ? (snapshot.value as Record<string, string>)[name] : undefined;

/** @internal The multifd side of this node: send on the primary, receive on the secondary. */
export const multifdOf = (node: NodeState) =>
  node.config.role === 'primary' ? node.multifdSend : node.multifdRecv;
/** @internal Which of the node's fields holds {@link multifdOf}. */
export const keyOf = (node: NodeState): 'multifdSend' | 'multifdRecv' =>
  node.config.role === 'primary' ? 'multifdSend' : 'multifdRecv';

/** @internal The node moves checkpoint pages over multifd. */
export const hasMultifd = (node: NodeState): boolean => multifdOf(node) !== null;

/** Whether multifd channel thread `channel` has a step it can take without input. @internal */
export function channelReady(node: NodeState, channel: number): boolean {
  const snapshot = multifdOf(node);
  return snapshot !== null && memoCan(snapshot, { type: `channel-${channel}.step` });
}

/** The channel's thread state (`write-job`, `read`, …), for reports and charts only: decide with the queries below. @public */
export function channelState(node: NodeState, channel: number): string | undefined {
  return region(multifdOf(node), `channel-${channel}`);
}

const channelHas = (node: NodeState, channel: number, what: 'writes' | 'reads' | 'exited'): boolean =>
  multifdOf(node)?.hasTag(channelTag(channel, what)) === true;

/**
 * Whether the channel's send thread is about to write on its socket (multifd.c:multifd_send_thread: the
 * initial packet, a job, a SYNC): a step it takes when nobody reads the channel any more is the write
 * error, not the write. @public
 */
export const channelWrites = (node: NodeState, channel: number): boolean =>
  channelHas(node, channel, 'writes');

/** Whether the channel's receive thread is blocked reading its socket (multifd.c:multifd_recv_thread). @public */
export const channelReads = (node: NodeState, channel: number): boolean => channelHas(node, channel, 'reads');

/** Whether the channel's thread has ended. @public */
export const channelExited = (node: NodeState, channel: number): boolean =>
  channelHas(node, channel, 'exited');

/** Runs one step of a multifd channel thread. @internal */
export function stepChannel(tx: Tx, channel: number): void {
  perform(tx, channel, tx.send(keyOf(tx.node), { type: `channel-${channel}.step` }));
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

/** @internal Carries out what a multifd machine described (`channel`: the thread that stepped, or -1). */
export function perform(tx: Tx, channel: number, actions: readonly DescribedAction[]): void {
  for (const action of actions) {
    // multifd_send_thread: the write went out on the socket (a page batch or a SYNC packet)
    if (action.type === 'packet-written') {
      const { packet } = action.params as PacketWritten;
      tx.emit({ kind: 'multifd-write', channel, packet });
    } else if (action.type === 'store-pages') tx.emit({ kind: 'store-pages', channel });
    // multifd_send: the batch (one packet's pages) is now that channel's p->data
    else if (action.type === 'job-queued')
      tx.emit({ kind: 'multifd-job', channel: (action.params as ChannelParams).channel });
    // multifd_recv_terminate_threads: shut every channel
    else if (action.type === 'shutdown-channels') tx.emit({ kind: 'shutdown-channels', scope: 'multifd' });
    // multifd_send_set_error: in colo migrate_set_state does nothing, but the event goes to the machine
    else if (action.type === 'multifd-send-error') tx.send('source', { type: 'multifd-send-error' });
  }
}

/** Every receive channel thread has ended (multifd_recv_cleanup can join them). @internal */
export function recvThreadsExited(node: NodeState): boolean {
  const channels = node.config.multifd ?? 0;
  for (let i = 0; i < channels; i++) if (!channelExited(node, i)) return false;
  return true;
}
