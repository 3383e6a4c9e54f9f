import type { ColoMessage, NodeRole, NodeState, NodeThread, ProfileName } from '../../machines/index.js';
import type { NodeEntry } from '../compile/index.js';
import type { FixName, ProposedFixName } from './fixes.js';
import type { NodeFacts } from './node-facts.js';

/** What a composed system is built from. @public */
export interface ColoModelOptions {
  /** Multifd channels (0: RAM on the main channel). */
  readonly multifd?: number;
  /** Fault budget: yanks, kills, link breaks, x-colo-lost-heartbeat and migrate_cancel together. Default 1. */
  readonly faults?: number;
  /** Checkpoint triggers (colo_checkpoint_event set by the timer or colo-compare). Default 1. */
  readonly checkpoints?: number;
  readonly profile?: ProfileName;
  /** Fixes switched off. */
  readonly withoutFix?: readonly FixName[];
  /** Proposed fixes (not in QEMU) switched on. */
  readonly withFix?: readonly ProposedFixName[];
  /** The faults the injector may fire (default: all of FAULT_KINDS). */
  readonly faultKinds?: readonly FaultKind[];
  /** The sides yank, kill and heartbeat may hit (default both). */
  readonly faultSides?: readonly NodeRole[];
}

/** Every fault the injector knows. @public */
export const FAULT_KINDS = ['yank', 'kill', 'heartbeat', 'cancel', 'link-break'] as const;

/** One fault the injector can fire. @public */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** An item in flight from the primary to the secondary on the main channel. @public */
export type MainItem = ColoMessage | 'ram' | 'device';

/** A step of the composed system. @public */
export type ColoAction =
  | { readonly t: 'step'; readonly side: NodeRole; readonly thread: NodeThread }
  | { readonly t: 'deliver'; readonly to: NodeRole }
  | { readonly t: 'channel-error'; readonly to: NodeRole }
  | { readonly t: 'multifd'; readonly channel: number }
  | { readonly t: 'trigger' }
  | { readonly t: 'fault'; readonly fault: FaultKind; readonly side: NodeRole };

/**
 * The composed system: two QEMU processes (each an entry of its compiled node table), the links
 * between them, the fault injector's bookkeeping. The bookkeeping is packed into small integers (the
 * checker copies and fingerprints millions of states); read it with {@link coloView}, a side's node
 * with {@link nodeOf}.
 * @public
 */
export interface ColoState {
  readonly p: NodeEntry<NodeFacts>;
  readonly s: NodeEntry<NodeFacts>;
  /** Who is dead, the link broken, channels shut, errors reported, heartbeats, the use-after-frees. */
  readonly flags: number;
  /** Faults fired, checkpoint triggers, device blobs received whole, colo cache flushes. */
  readonly counters: number;
  /** Main channel, primary -> secondary (COLO messages, the RAM stream with its EOF, the device blob). */
  readonly toS: number;
  /** Return path, secondary -> primary. */
  readonly toP: number;
  /** Multifd channels, primary -> secondary, one link each. */
  readonly mfd: readonly number[];
}

/** A mutable copy of a state, for the one action that builds the next one. @internal */
export type Draft = { -readonly [K in keyof ColoState]: ColoState[K] };

/**
 * A copy of a state to build the next one from. Written out field by field: one object shape for every
 * state, which V8 copies far faster than a spread (the checker's hot path).
 * @internal
 */
export function draftOf(st: ColoState): Draft {
  return { p: st.p, s: st.s, flags: st.flags, counters: st.counters, toS: st.toS, toP: st.toP, mfd: st.mfd };
}

/** The other side. @internal */
export { peerOf } from '../../machines/index.js';

/** A side's compiled node entry. @internal */
export const entryOf = (st: ColoState, side: NodeRole): NodeEntry<NodeFacts> =>
  side === 'primary' ? st.p : st.s;

/**
 * One side's node (its machines and QEMU objects) in a composed state. Use this rather than the state's
 * fields: how the composed state stores its nodes is the checker's business.
 * @public
 */
export const nodeOf = (st: ColoState, side: NodeRole): NodeState => entryOf(st, side).node;
