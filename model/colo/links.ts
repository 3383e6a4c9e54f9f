import type { NodeRole } from '../../machines/index.js';
import { bitOf, DEAD, FLAG } from './packing.js';
import { type ColoState, entryOf, peerOf } from './state.js';

type Channel = 'main' | 'multifd';
const shutFlag = (channel: Channel) => (channel === 'main' ? FLAG.shutMain : FLAG.shutMultifd);

// A write fails if any of these is set: the link broke, this end or the peer's end is shut, the peer died.
const writeBlocked = (side: NodeRole, channel: Channel): number =>
  FLAG.broken | bitOf(shutFlag(channel), side) | DEAD[peerOf(side)] | bitOf(shutFlag(channel), peerOf(side));
const WRITE_BLOCKED = {
  primary: { main: writeBlocked('primary', 'main'), multifd: writeBlocked('primary', 'multifd') },
  secondary: { main: writeBlocked('secondary', 'main'), multifd: writeBlocked('secondary', 'multifd') },
} as const;

/** A side can write on a channel: the link holds, neither end shut it, the peer lives. @internal */
export function canWrite(st: ColoState, side: NodeRole, channel: Channel): boolean {
  return (st.flags & WRITE_BLOCKED[side][channel]) === 0;
}

// A side's main-channel read: it reads nothing once dead; its own end is gone when it shut the channel
// or the link broke; the peer's end when the peer died or shut it.
const readMasks = (side: NodeRole) => ({
  dead: DEAD[side],
  local: bitOf(FLAG.shutMain, side) | FLAG.broken,
  errored: bitOf(FLAG.errored, side),
  peerGone: DEAD[peerOf(side)] | bitOf(FLAG.shutMain, peerOf(side)),
});
const READ = { primary: readMasks('primary'), secondary: readMasks('secondary') } as const;

/** Where a side's main-channel read stands: an item to deliver, an error to report, or nothing yet. @internal */
export function mainRead(st: ColoState, side: NodeRole): 'deliver' | 'error' | null {
  const flags = st.flags;
  const read = READ[side];
  if ((flags & read.dead) !== 0 || !entryOf(st, side).facts.coloActive) return null;
  const local = (flags & read.local) !== 0;
  if (!local && (side === 'primary' ? st.toP : st.toS) !== 0) return 'deliver';
  if ((flags & read.errored) !== 0) return null;
  if (local || (flags & read.peerGone) !== 0) return 'error';
  return null;
}

const RECV_BROKEN = bitOf(FLAG.shutMultifd, 'secondary') | FLAG.broken;
const SENDER_GONE = DEAD.primary | bitOf(FLAG.shutMultifd, 'primary');

/** What the secondary's multifd channel `i`, blocked reading, gets next. @internal */
export function multifdRead(
  st: ColoState,
  i: number,
): 'packet' | 'sync-packet' | 'eof' | 'read-error' | null {
  if ((st.flags & DEAD.secondary) !== 0 || !st.s.facts.reading[i]) return null;
  if ((st.flags & RECV_BROKEN) !== 0) return 'read-error';
  const link = st.mfd[i] ?? 0;
  if (link !== 0) return (link & 3) === 1 ? 'packet' : 'sync-packet';
  if ((st.flags & SENDER_GONE) !== 0) return 'eof';
  return null;
}

/** A primary send thread writing to a channel nobody reads gets the write error instead of a step. @internal */
export function writeFails(st: ColoState, channel: number): boolean {
  return st.p.facts.writing[channel] === true && !canWrite(st, 'primary', 'multifd');
}
