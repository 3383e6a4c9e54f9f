import type { ColoMessage, NodeRole } from '../../machines/index.js';
import { bitOf, codesOf, counter, FLAG, itemOf } from './packing.js';
import type { ColoState, MainItem } from './state.js';

/** Which of a node's channels were shut (yank, failover, cancel). @public */
export interface Shut {
  readonly main: boolean;
  readonly multifd: boolean;
}

/** Per side: one value for the primary, one for the secondary. @public */
export interface PerSide<T> {
  readonly primary: T;
  readonly secondary: T;
}

/** A composed state's links and bookkeeping, readable (what {@link ColoState} packs). @public */
export interface ColoView {
  readonly dead: PerSide<boolean>;
  /** Main channel, primary -> secondary, head first. */
  readonly toS: readonly MainItem[];
  /** Return path, secondary -> primary, head first. */
  readonly toP: readonly ColoMessage[];
  /** Multifd channels, primary -> secondary, head first. */
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

/**
 * A state's links and bookkeeping as plain values, for charts, traces and tests.
 * @example
 * ```ts
 * const { toS, dead } = coloView(trace.states[3]);
 * ```
 * @public
 */
export function coloView(st: ColoState): ColoView {
  const flag = (name: keyof typeof FLAG) => (st.flags & FLAG[name]) !== 0;
  const perSide = (name: keyof typeof FLAG): PerSide<boolean> => ({
    primary: (st.flags & bitOf(FLAG[name], 'primary')) !== 0,
    secondary: (st.flags & bitOf(FLAG[name], 'secondary')) !== 0,
  });
  const shut = (side: NodeRole): Shut => ({
    main: (st.flags & bitOf(FLAG.shutMain, side)) !== 0,
    multifd: (st.flags & bitOf(FLAG.shutMultifd, side)) !== 0,
  });
  return {
    dead: perSide('dead'),
    toS: codesOf(st.toS, 4).map(itemOf),
    toP: codesOf(st.toP, 4).map(itemOf) as ColoMessage[],
    mfd: st.mfd.map((link) => codesOf(link, 2).map((code) => (code === 1 ? 'data' : 'sync'))),
    broken: flag('broken'),
    shut: { primary: shut('primary'), secondary: shut('secondary') },
    errored: perSide('errored'),
    faults: counter(st.counters, 'faults'),
    triggers: counter(st.counters, 'triggers'),
    hb: perSide('hb'),
    hbRefused: perSide('hbRefused'),
    blobs: counter(st.counters, 'blobs'),
    flushes: counter(st.counters, 'flushes'),
    cacheUaf: flag('cacheUaf'),
    fileUaf: flag('fileUaf'),
  };
}

/** The item at the head of the link to `to` (what a deliver step hands over), if any. @public */
export function linkHead(st: ColoState, to: NodeRole): MainItem | undefined {
  const link = to === 'primary' ? st.toP : st.toS;
  return link === 0 ? undefined : itemOf(link & 15);
}
