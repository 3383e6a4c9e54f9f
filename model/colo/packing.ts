import { COLO_MESSAGES, type NodeRole } from '../../machines/index.js';
import type { MainItem } from './state.js';

/*
 * The composed state's bookkeeping as small integers (V8 keeps them unboxed): a state is two node
 * entries and a handful of numbers, copied and fingerprinted without a single nested object. Every
 * value stays below 2^30, so it never becomes a heap number.
 */

/**
 * Per-side flags: the primary's bit is the one named, the secondary's the next one up ({@link bitOf}).
 * @internal
 */
export const FLAG = {
  dead: 1 << 0,
  shutMain: 1 << 2,
  shutMultifd: 1 << 4,
  /** The main channel's error has been reported to that side. */
  errored: 1 << 6,
  /** x-colo-lost-heartbeat issued on that side. */
  hb: 1 << 8,
  /** …and refused. */
  hbRefused: 1 << 10,
  broken: 1 << 12,
  cacheUaf: 1 << 13,
  fileUaf: 1 << 14,
} as const;

/** A per-side flag's bit for one side. @internal */
export const bitOf = (flag: number, side: NodeRole): number => (side === 'primary' ? flag : flag << 1);

/** Each side's dead bit, the flag the hot path tests most. @internal */
export const DEAD = {
  primary: bitOf(FLAG.dead, 'primary'),
  secondary: bitOf(FLAG.dead, 'secondary'),
} as const;

/** The counters' fields in one number, seven bits each. @internal */
export const COUNTER = { faults: 0, triggers: 7, blobs: 14, flushes: 21 } as const;

/** One counter's value. @internal */
export const counter = (counters: number, field: keyof typeof COUNTER): number =>
  (counters >>> COUNTER[field]) & 0x7f;

/** The counters with one field increased; 127 is the most a field holds. @internal */
export function increment(counters: number, field: keyof typeof COUNTER): number {
  if (counter(counters, field) === 0x7f) throw new Error(`colo model: the ${field} counter overflowed`);
  return counters + (1 << COUNTER[field]);
}

/*
 * A link is a FIFO of small codes packed into one number, the head in the lowest bits. Codes are never
 * zero, so the length is the number of non-empty digits and an empty link is 0. The main channel and
 * the return path use 4-bit digits (7 items at most, as the Promela export's queues), multifd channels
 * 2-bit digits (15 packets).
 */

/** The codes of main-channel and return-path items (1-based: 0 marks the end of a link). @internal */
export const ITEMS: readonly MainItem[] = [...COLO_MESSAGES, 'ram', 'device'];
const ITEM_CODE = new Map<MainItem, number>(ITEMS.map((item, i) => [item, i + 1]));

/** The code of a main-channel item. @internal */
export const itemCode = (item: MainItem): number => ITEM_CODE.get(item)!;

/** The item a code stands for. @internal */
export const itemOf = (code: number): MainItem => ITEMS[code - 1]!;

/** The most items a main channel or return path holds. @internal */
export const MAIN_CAPACITY = 7;
/** The most packets a multifd channel holds. @internal */
export const MULTIFD_CAPACITY = 15;

/** Items in a 4-bit link. @internal */
export const mainLength = (link: number): number => (35 - Math.clz32(link)) >> 2;

/** A 4-bit link with `code` appended. @internal */
export function pushMain(link: number, code: number, name: string): number {
  const length = mainLength(link);
  if (length >= MAIN_CAPACITY)
    throw new Error(`colo model: the ${name} would hold more than ${MAIN_CAPACITY} items`);
  return link | (code << (4 * length));
}

/** Packets in a 2-bit multifd link. @internal */
export const multifdLength = (link: number): number => (33 - Math.clz32(link)) >> 1;

/** The code of a multifd packet. @internal */
export const PACKET = { data: 1, sync: 2 } as const;

/** A multifd link with `code` appended. @internal */
export function pushPacket(link: number, code: number, channel: number): number {
  const length = multifdLength(link);
  if (length >= MULTIFD_CAPACITY)
    throw new Error(
      `colo model: multifd channel ${channel} would hold more than ${MULTIFD_CAPACITY} packets`,
    );
  return link | (code << (2 * length));
}

/** A link's codes, head first. @internal */
export function codesOf(link: number, bits: 2 | 4): number[] {
  const mask = (1 << bits) - 1;
  const out: number[] = [];
  for (let rest = link; rest !== 0; rest >>>= bits) out.push(rest & mask);
  return out;
}
