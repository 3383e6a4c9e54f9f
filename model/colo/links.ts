import {
  type LinkFact,
  MULTIFD_RECV_BROKEN,
  MULTIFD_SENDER_GONE,
  mainReadFacts,
  mainReadVerdict,
  multifdReadVerdict,
  type NodeRole,
  writeBlockedBy,
} from '../../machines/index.js';
import { bitOf, DEAD, FLAG } from './packing.js';
import { type ColoState, entryOf } from './state.js';

/*
 * machines/link's rules over the packed state: each set of link facts becomes one mask of flag bits, made
 * once here, so a rule costs one AND on the hot path.
 */

/** The flag bit of one link fact. */
function bitOfFact(fact: LinkFact): number {
  if (fact === 'broken') return FLAG.broken;
  const [name, side] = fact.split(':') as [string, NodeRole];
  switch (name) {
    case 'dead':
      return DEAD[side];
    case 'shut-main':
      return bitOf(FLAG.shutMain, side);
    case 'shut-multifd':
      return bitOf(FLAG.shutMultifd, side);
    default:
      return bitOf(FLAG.errored, side);
  }
}

/** The mask of a set of facts: any of them holds when `flags & mask` is not zero. @internal */
export const maskOf = (facts: readonly LinkFact[]): number => facts.reduce((m, f) => m | bitOfFact(f), 0);

const WRITE_BLOCKED = {
  primary: {
    main: maskOf(writeBlockedBy('primary', 'main')),
    multifd: maskOf(writeBlockedBy('primary', 'multifd')),
  },
  secondary: {
    main: maskOf(writeBlockedBy('secondary', 'main')),
    multifd: maskOf(writeBlockedBy('secondary', 'multifd')),
  },
} as const;

/** A side can write on a channel (machines/link `writeBlockedBy` holds nothing). @internal */
export function canWrite(st: ColoState, side: NodeRole, channel: 'main' | 'multifd'): boolean {
  return (st.flags & WRITE_BLOCKED[side][channel]) === 0;
}

const readMasks = (side: NodeRole) => {
  const facts = mainReadFacts(side);
  return {
    dead: maskOf(facts.dead),
    local: maskOf(facts.local),
    errored: maskOf(facts.errored),
    peerGone: maskOf(facts.peerGone),
  };
};
const READ = { primary: readMasks('primary'), secondary: readMasks('secondary') } as const;

/** Where a side's main-channel read stands (machines/link `mainReadVerdict`). @internal */
export function mainRead(st: ColoState, side: NodeRole): 'deliver' | 'error' | null {
  const flags = st.flags;
  const read = READ[side];
  return mainReadVerdict(
    (flags & read.dead) !== 0,
    entryOf(st, side).facts.coloActive,
    (flags & read.local) !== 0,
    (side === 'primary' ? st.toP : st.toS) !== 0,
    (flags & read.errored) !== 0,
    (flags & read.peerGone) !== 0,
  );
}

const RECV_BROKEN = maskOf(MULTIFD_RECV_BROKEN);
const SENDER_GONE = maskOf(MULTIFD_SENDER_GONE);

/** What the secondary's multifd channel `i`, blocked reading, gets next (machines/link `multifdReadVerdict`). @internal */
export function multifdRead(
  st: ColoState,
  i: number,
): 'packet' | 'sync-packet' | 'eof' | 'read-error' | null {
  const flags = st.flags;
  const link = st.mfd[i] ?? 0;
  return multifdReadVerdict(
    (flags & DEAD.secondary) !== 0,
    st.s.facts.reading[i] === true,
    (flags & RECV_BROKEN) !== 0,
    link === 0 ? null : (link & 3) === 1 ? 'packet' : 'sync-packet',
    (flags & SENDER_GONE) !== 0,
  );
}

/** A primary send thread writing to a channel nobody reads gets the write error instead of a step. @internal */
export function writeFails(st: ColoState, channel: number): boolean {
  return st.p.facts.writing[channel] === true && !canWrite(st, 'primary', 'multifd');
}
