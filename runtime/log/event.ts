/**
 * The record of the event log. Page contents never go in the log: a page travels as its index and,
 * where it matters, a SHA-256 digest; RAM and device state as digests. A log stays small and replays
 * the same states without the guest's bytes.
 * @packageDocumentation
 */

/** One line of the log. @public */
export interface LogEvent<T = unknown> {
  /** Position in the log, consecutive from 1. */
  readonly seq: number;
  /** Wall-clock milliseconds when it was appended. */
  readonly ts: number;
  /** The input's kind (a QMP command, a peer message, a timer, a completed I/O, a fault). */
  readonly type: string;
  /** The input's payload: JSON only, digests instead of page contents. */
  readonly data: T;
}

/** What a caller appends; the log assigns `seq` and `ts`. @public */
export interface LogInput<T = unknown> {
  /** See {@link LogEvent.type}. */
  readonly type: string;
  /** See {@link LogEvent.data}. */
  readonly data: T;
}

/** Checks the shape of a parsed line; returns what is wrong, or null. */
export function eventShapeError(v: unknown): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not an object';
  const e = v as Record<string, unknown>;
  if (!Number.isSafeInteger(e.seq)) return 'seq is not an integer';
  if (typeof e.ts !== 'number') return 'ts is not a number';
  if (typeof e.type !== 'string') return 'type is not a string';
  if (!('data' in e)) return 'data is missing';
  return null;
}
