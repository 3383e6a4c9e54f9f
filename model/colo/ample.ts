import type { NodeRole } from '../../machines/index.js';
import { canWrite, multifdRead } from './links.js';
import type { NodeFacts } from './node-facts.js';
import { bitOf, COUNTER, DEAD, FLAG } from './packing.js';
import { type ColoAction, type ColoState, entryOf, peerOf } from './state.js';

/*
 * Partial-order reduction for the composed system: an ample set is every enabled action of one process
 * (one QEMU: its threads, what the links deliver to it, its channel errors; the checkpoint trigger
 * counts as the primary's). Independence is not written per protocol step: it follows from which parts
 * of the composed state an action touched, read off the successor the compiled tables computed, and
 * from the link module's rules for who can write or read which link end.
 *
 * Process X's enabled actions form an ample set in state s when
 *  - no fault can fire (the injector's actions touch both sides and share the fault budget);
 *  - each of them is local to X: its successor differs from s only in X's node, X's inbound links
 *    (a pop at the head, while the peer only appends at the tail), X's own `errored` flag and the
 *    trigger counter. It wrote nothing the peer reads, so it commutes with every action of the peer,
 *    and since the peer can only ever set flags that block writes, an action that wrote nothing
 *    still writes nothing and does the same after any steps of the peer (the flags are monotone);
 *  - the peer cannot enable an action of X: no reader of X waits on an empty link the peer can still
 *    write to or shut (that would enable a delivery or a channel error), and, for the primary, no
 *    send thread waits to learn that its socket broke (writeFails reads the peer's shut flag);
 *  - each of them is invisible: it leaves every fact a property reads unchanged (running, left COLO,
 *    failover completed, checkpoints, the flags and counters the properties read).
 * The engine adds the cycle proviso (reduced-bfs.ts).
 */

const SIDES: readonly NodeRole[] = ['secondary', 'primary'];

/** The process an action belongs to, or null for the fault injector. */
function processOf(a: ColoAction): NodeRole | null {
  switch (a.t) {
    case 'step':
      return a.side;
    case 'deliver':
    case 'channel-error':
      return a.to;
    case 'multifd':
      return 'secondary';
    case 'trigger':
      return 'primary';
    case 'fault':
      return null;
  }
}

/** The parts of the composed state an action of `side` may change and stay local. */
const LOCAL_FLAGS = { primary: bitOf(FLAG.errored, 'primary'), secondary: bitOf(FLAG.errored, 'secondary') };
const TRIGGERS = 0x7f << COUNTER.triggers;

const visibleSame = (a: NodeFacts, b: NodeFacts): boolean =>
  a.running === b.running &&
  a.leftColo === b.leftColo &&
  a.failoverCompleted === b.failoverCompleted &&
  a.checkpoints === b.checkpoints;

/** The successor `t` of `s` changed only what `side` owns, and nothing a property reads. */
function localInvisible(s: ColoState, t: ColoState, side: NodeRole): boolean {
  if (((s.flags ^ t.flags) & ~LOCAL_FLAGS[side]) !== 0) return false;
  if (((s.counters ^ t.counters) & ~(side === 'primary' ? TRIGGERS : 0)) !== 0) return false;
  if (side === 'primary') {
    if (t.s !== s.s || t.toS !== s.toS || !sameLinks(t.mfd, s.mfd)) return false;
  } else if (t.p !== s.p || t.toP !== s.toP) return false;
  return visibleSame(entryOf(s, side).facts, entryOf(t, side).facts);
}

/** Two states' multifd links hold the same packets (by content: a state rebuilt from the packed frontier has its own array). */
function sameLinks(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The peer could still make an action of `side` enabled that is not enabled now. */
function peerCanEnable(st: ColoState, side: NodeRole, channels: number): boolean {
  const peer = peerOf(side);
  if ((st.flags & DEAD[peer]) !== 0) return false;
  const facts = entryOf(st, side).facts;
  // a main-channel reader waiting on an empty link the peer can still write to (or shut)
  const inbound = side === 'primary' ? st.toP : st.toS;
  if (facts.coloActive && inbound === 0 && canWrite(st, peer, 'main')) return true;
  for (let i = 0; i < channels; i++) {
    if (side === 'secondary') {
      // a receive thread reading an empty channel the primary can still write to or shut
      if (facts.reading[i] === true && (st.mfd[i] ?? 0) === 0 && multifdRead(st, i) !== 'read-error')
        return true;
    } else if (facts.writing[i] === true && canWrite(st, 'primary', 'multifd')) {
      // a send thread about to write: the secondary's shutdown would turn its step into a write error
      return true;
    }
  }
  return false;
}

/**
 * The ample set of a composed state: the indexes of one side's actions when they meet the conditions
 * above (the secondary tried first), or null for a full expansion.
 * @internal
 */
export function coloAmple(
  st: ColoState,
  actions: readonly ColoAction[],
  successor: (k: number) => ColoState | null,
  channels: number,
): number[] | null {
  for (let k = 0; k < actions.length; k++) if (actions[k]!.t === 'fault') return null;
  for (const side of SIDES) {
    if (peerCanEnable(st, side, channels)) continue;
    const chosen: number[] = [];
    let mine = 0;
    let ok = true;
    for (let k = 0; k < actions.length && ok; k++) {
      if (processOf(actions[k]!) !== side) continue;
      mine++;
      const t = successor(k);
      if (t === null) continue;
      if (!localInvisible(st, t, side)) ok = false;
      else chosen.push(k);
    }
    // the peer has actions on offer: a reduction (if they all turn out disabled, the set is all there is)
    if (ok && chosen.length > 0 && mine < actions.length) return chosen;
  }
  return null;
}
