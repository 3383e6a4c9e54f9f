import type { NodeRole } from '../../machines/index.js';
import { type ColoState, entryOf, peerOf } from './state.js';

/** A side can write on a channel: the link holds, neither end shut it, the peer lives. @internal */
export function canWrite(st: ColoState, side: NodeRole, channel: 'main' | 'multifd'): boolean {
  return !st.broken && !st.shut[side][channel] && !st.dead[peerOf(side)] && !st.shut[peerOf(side)][channel];
}

/** Where a side's main-channel read stands: an item to deliver, an error to report, or nothing yet. @internal */
export function mainRead(st: ColoState, side: NodeRole): 'deliver' | 'error' | null {
  if (st.dead[side] || !entryOf(st, side).facts.coloActive) return null;
  const queue = side === 'primary' ? st.toP : st.toS;
  const local = st.shut[side].main || st.broken;
  if (!local && queue.length > 0) return 'deliver';
  if (st.errored[side]) return null;
  const peer = peerOf(side);
  if (local || st.dead[peer] || st.shut[peer].main) return 'error';
  return null;
}

/** What the secondary's multifd channel `i`, blocked reading, gets next. @internal */
export function multifdRead(
  st: ColoState,
  i: number,
): 'packet' | 'sync-packet' | 'eof' | 'read-error' | null {
  if (st.dead.secondary || st.s.facts.channels[i] !== 'read') return null;
  if (st.shut.secondary.multifd || st.broken) return 'read-error';
  const head = st.mfd[i]?.[0];
  if (head) return head === 'data' ? 'packet' : 'sync-packet';
  if (st.dead.primary || st.shut.primary.multifd) return 'eof';
  return null;
}

/** The send thread's states that write to its socket (a dead reader turns their step into a write error). @internal */
export const WRITING: ReadonlySet<string> = new Set(['write-job', 'write-sync', 'init']);

/** A primary send thread writing to a channel nobody reads gets the write error instead of a step. @internal */
export function writeFails(st: ColoState, channel: number): boolean {
  const state = st.p.facts.channels[channel];
  return state !== undefined && WRITING.has(state) && !canWrite(st, 'primary', 'multifd');
}
