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

/** Which of a node's channels were shut (yank, failover, cancel). @public */
export interface Shut {
  readonly main: boolean;
  readonly multifd: boolean;
}

/** Per side: one flag for the primary, one for the secondary. @public */
export interface PerSide<T> {
  readonly primary: T;
  readonly secondary: T;
}

/**
 * The composed system: two QEMU processes (each an entry of its compiled node table), the links
 * between them, the fault injector's bookkeeping. Read a side's node with {@link nodeOf}.
 * @public
 */
export interface ColoState {
  readonly p: NodeEntry<NodeFacts>;
  readonly s: NodeEntry<NodeFacts>;
  readonly dead: PerSide<boolean>;
  /** Main channel, primary -> secondary (COLO messages, the RAM stream with its EOF, the device blob). */
  readonly toS: readonly MainItem[];
  /** Return path, secondary -> primary. */
  readonly toP: readonly ColoMessage[];
  /** Multifd channels, primary -> secondary. */
  readonly mfd: readonly (readonly ('data' | 'sync')[])[];
  readonly broken: boolean;
  readonly shut: PerSide<Shut>;
  /** The main channel's error has been reported to that side. */
  readonly errored: PerSide<boolean>;
  readonly faults: number;
  readonly triggers: number;
  /** x-colo-lost-heartbeat issued (and refused) per side. */
  readonly hb: PerSide<boolean>;
  readonly hbRefused: PerSide<boolean>;
  /** Device blobs the secondary received whole, and colo cache flushes it made. */
  readonly blobs: number;
  readonly flushes: number;
  /** A multifd receive thread stored pages into a released colo cache. */
  readonly cacheUaf: boolean;
  /** The primary's return-path QEMUFile was dereferenced after qemu_fclose. */
  readonly fileUaf: boolean;
}

/** A mutable copy of a state, for the one action that builds the next one. @internal */
export type Draft = { -readonly [K in keyof ColoState]: ColoState[K] };

/**
 * A copy of a state to build the next one from. Written out field by field: one object shape for every
 * state, which V8 copies far faster than a spread of this many fields (the checker's hot path).
 * @internal
 */
export function draftOf(st: ColoState): Draft {
  return {
    p: st.p,
    s: st.s,
    dead: st.dead,
    toS: st.toS,
    toP: st.toP,
    mfd: st.mfd,
    broken: st.broken,
    shut: st.shut,
    errored: st.errored,
    faults: st.faults,
    triggers: st.triggers,
    hb: st.hb,
    hbRefused: st.hbRefused,
    blobs: st.blobs,
    flushes: st.flushes,
    cacheUaf: st.cacheUaf,
    fileUaf: st.fileUaf,
  };
}

/** The other side. @internal */
export const peerOf = (side: NodeRole): NodeRole => (side === 'primary' ? 'secondary' : 'primary');

/** A side's compiled node entry. @internal */
export const entryOf = (st: ColoState, side: NodeRole): NodeEntry<NodeFacts> =>
  side === 'primary' ? st.p : st.s;

/**
 * One side's node (its machines and QEMU objects) in a composed state. Use this rather than the state's
 * fields: how the composed state stores its nodes is the checker's business.
 * @public
 */
export const nodeOf = (st: ColoState, side: NodeRole): NodeState => entryOf(st, side).node;
