/**
 * The links between a primary and a secondary, written once: what a link holds (main channel to the
 * secondary, return path to the primary, one FIFO per multifd channel), what each effect puts on it, what
 * a read finds there, and what a link break or a kill does to it. Pure: no sockets, no packed bits. The
 * checker implements it over packed bits (model/colo/links.ts), the runtime's warm-up over plain queues,
 * the replay over its real sockets' holding queues; the Promela export is cross-checked against the checker.
 * @packageDocumentation
 */

import type { Effect, NodeInput, NodeRole } from '../node/types.js';
import type { ColoMessage } from '../vocabulary.js';

/** A migration channel of one process: the main channel (with its return path) or its multifd channels. @public */
export type LinkChannel = 'main' | 'multifd';

/**
 * A fact about the links that decides reads and writes: the link broke, a side died, a side shut one of
 * its channels (yank, failover, cancel), or a side's COLO thread has been told its main channel failed.
 * @public
 */
export type LinkFact =
  | 'broken'
  | `dead:${NodeRole}`
  | `shut-main:${NodeRole}`
  | `shut-multifd:${NodeRole}`
  | `errored:${NodeRole}`;

/** The other side. @public */
export const peerOf = (side: NodeRole): NodeRole => (side === 'primary' ? 'secondary' : 'primary');

/**
 * io/channel-socket.c:qio_channel_socket_writev fails on `side`'s `channel` when any of these holds: the
 * link broke, this end or the peer's end was shut, the peer died.
 * @public
 */
export function writeBlockedBy(side: NodeRole, channel: LinkChannel): readonly LinkFact[] {
  const peer = peerOf(side);
  return ['broken', `shut-${channel}:${side}`, `dead:${peer}`, `shut-${channel}:${peer}`];
}

/**
 * The facts behind `side`'s main-channel read (colo.c:colo_receive_message): it reads nothing once dead;
 * its own end is gone (`local`) when it shut the channel or the link broke; the error is reported once
 * (`errored`); the peer's end is gone when the peer died or shut it.
 * @public
 */
export function mainReadFacts(side: NodeRole): {
  readonly dead: readonly LinkFact[];
  readonly local: readonly LinkFact[];
  readonly errored: readonly LinkFact[];
  readonly peerGone: readonly LinkFact[];
} {
  const peer = peerOf(side);
  return {
    dead: [`dead:${side}`],
    local: [`shut-main:${side}`, 'broken'],
    errored: [`errored:${side}`],
    peerGone: [`dead:${peer}`, `shut-main:${peer}`],
  };
}

/** The secondary's multifd reads fail: it shut its multifd channels, or the link broke. @public */
export const MULTIFD_RECV_BROKEN: readonly LinkFact[] = ['shut-multifd:secondary', 'broken'];
/** The primary's multifd ends are gone: it died or shut them (its reader then sees EOF). @public */
export const MULTIFD_SENDER_GONE: readonly LinkFact[] = ['dead:primary', 'shut-multifd:primary'];

/**
 * What `side`'s main-channel read gives now, from the facts (each true when any of its
 * {@link mainReadFacts} holds): an item to deliver, an error to report, or nothing yet. Only a running
 * COLO thread reads; a local failure wins over queued items (they are lost with the end), a peer gone
 * only once the queue is empty (its FIN comes after its bytes).
 * @public
 */
export function mainReadVerdict(
  dead: boolean,
  coloActive: boolean,
  local: boolean,
  queued: boolean,
  errored: boolean,
  peerGone: boolean,
): 'deliver' | 'error' | null {
  if (dead || !coloActive) return null;
  if (!local && queued) return 'deliver';
  if (errored) return null;
  return local || peerGone ? 'error' : null;
}

/** What the secondary's multifd channel gives a receive thread blocked in its read. @public */
export type MultifdReadEvent = 'packet' | 'sync-packet' | 'eof' | 'read-error';

/**
 * multifd.c:multifd_recv_thread blocked in its read: a failed read (`broken`: {@link MULTIFD_RECV_BROKEN}),
 * the packet at the head of the channel, EOF once the sender is gone ({@link MULTIFD_SENDER_GONE}), or
 * nothing yet. Only a live secondary's thread that is `reading` reads.
 * @public
 */
export function multifdReadVerdict(
  dead: boolean,
  reading: boolean,
  broken: boolean,
  head: 'packet' | 'sync-packet' | null,
  senderGone: boolean,
): MultifdReadEvent | null {
  if (dead || !reading) return null;
  if (broken) return 'read-error';
  if (head !== null) return head;
  return senderGone ? 'eof' : null;
}

/** Where an item travels: to a side on its main channel (its return path for the primary), or on a multifd channel. @public */
export type LinkQueue = 'to-primary' | 'to-secondary' | 'multifd';

/** One item on a link: a COLO message, a checkpoint's RAM stream up to EOF, the device blob, a multifd packet. @public */
export type LinkItem =
  | { readonly queue: 'to-primary' | 'to-secondary'; readonly item: ColoMessage | 'ram' | 'device' }
  | { readonly queue: 'multifd'; readonly channel: number; readonly item: 'packet' | 'sync-packet' };

const toPeer = (side: NodeRole): 'to-primary' | 'to-secondary' =>
  side === 'primary' ? 'to-secondary' : 'to-primary';

/**
 * What an effect of `side` puts on a link, or null (an effect that moves nothing). The write itself may
 * still fail ({@link writeBlockedBy}); `send-ram` then completes with a channel error
 * ({@link sendCompletion}).
 * @public
 */
export function itemOfEffect(side: NodeRole, effect: Effect): LinkItem | null {
  switch (effect.kind) {
    case 'send':
      return { queue: toPeer(side), item: effect.message };
    case 'send-ram':
      return { queue: toPeer(side), item: 'ram' };
    case 'send-device-state':
      return { queue: toPeer(side), item: 'device' };
    case 'multifd-write':
      return {
        queue: 'multifd',
        channel: effect.channel,
        item: effect.packet === 'sync' ? 'sync-packet' : 'packet',
      };
    default:
      return null;
  }
}

/**
 * ram.c:ram_save_complete finishing on the sender: `send-ram` completes at once, `ram-sent` when the
 * main channel took the stream, `channel-error` when it could not. Other effects complete nothing.
 * @public
 */
export function sendCompletion(effect: Effect, writable: boolean): NodeInput | null {
  if (effect.kind !== 'send-ram') return null;
  return { kind: 'io', completion: writable ? 'ram-sent' : 'channel-error' };
}

/**
 * The input a main-channel item is for its reader: a message is a `peer` input, the RAM stream up to EOF
 * `ram-loaded`, the device blob `device-state-received`.
 * @public
 */
export function inputOfItem(item: ColoMessage | 'ram' | 'device'): NodeInput {
  if (item === 'ram') return { kind: 'io', completion: 'ram-loaded' };
  if (item === 'device') return { kind: 'io', completion: 'device-state-received' };
  return { kind: 'peer', message: item };
}

/**
 * What a fault does to the links: a link break sets `broken` and loses everything in flight; a kill makes
 * the side dead and loses what was in flight to it (what it sent before dying still arrives).
 * @public
 */
export function faultOnLinks(
  fault: 'kill' | 'link-break',
  side: NodeRole,
): { readonly set: readonly LinkFact[]; readonly emptied: readonly LinkQueue[] } {
  if (fault === 'link-break') return { set: ['broken'], emptied: ['to-primary', 'to-secondary', 'multifd'] };
  return {
    set: [`dead:${side}`],
    emptied: side === 'secondary' ? ['to-secondary', 'multifd'] : ['to-primary'],
  };
}
