/**
 * What the trace checker reports. Every item names the 1-based line of the log it concerns, so an
 * operator can open the file at that line.
 * @packageDocumentation
 */
import type { Profile } from '../../machines/profiles.js';

/** Which QEMU the log comes from: the migration source (primary) or the destination (secondary). @public */
export type TraceSide = 'source' | 'incoming';

/** Options of the trace checker. @public */
export interface TraceOptions {
  readonly side: TraceSide;
  /** The QEMU version the log is held against (machines/profiles.ts). */
  readonly profile: Profile;
  /**
   * True when the log is one session among several on the same QEMU (a live attach): commands sent on
   * other monitors never show, so a failover the events prove is taken as an unseen x-colo-lost-heartbeat,
   * still held to colo-failover.c's rule that COLO mode must be on.
   */
  readonly unseenCommands?: boolean;
}

/** What a running QEMU reports about itself when a live check starts (the four queries `attachTrace` sends). @public */
export interface TraceStart {
  /** query-migrate's `status` (`none` when it has none). */
  readonly status: string;
  /** query-status's `running`. */
  readonly running: boolean;
  /** query-migrate-capabilities. */
  readonly capabilities: ReadonlyArray<{ readonly capability: string; readonly state: boolean }>;
}

/** A MIGRATION status change, or a COLO_EXIT or failover, the machines cannot produce. @public */
export interface Violation {
  readonly line: number;
  readonly kind: 'status' | 'colo-exit' | 'failover';
  /** The status before, as replayed. */
  readonly from: string;
  /** The status (or COLO_EXIT `mode/reason`) observed. */
  readonly to: string;
  /** Why the machine refuses it, in QEMU's terms. */
  readonly why: string;
}

/** The kinds of legal but alarming situations the checker recognises. @public */
export type FindingKind = 'wedged' | 'waiting-for-operator' | 'split-brain';

/** A legal but alarming situation. @public */
export interface Finding {
  readonly kind: FindingKind;
  readonly line: number;
  /** For split brain: the line in the peer's log. */
  readonly peerLine?: number;
  readonly detail: string;
}

/** One observed MIGRATION status change as the checker replayed it. @public */
export interface StatusStep {
  readonly line: number;
  readonly from: string;
  readonly to: string;
  /** Whether the machine allows it. */
  readonly allowed: boolean;
  /** The machine event that explains it (`completion-done`, `migrate`, ...), when allowed. */
  readonly event?: string;
  /** A documented QEMU quirk or an unobservable step the checker assumed. */
  readonly note?: string;
}

/** Codes of input problems the checker read past. @public */
export type WarningCode =
  | 'garbage'
  | 'truncated'
  | 'not-qmp'
  | 'no-timestamp'
  | 'time-order'
  | 'unknown-event'
  | 'unknown-command'
  | 'bad-event'
  | 'unmatched-reply'
  | 'unchecked';

/** A line the checker could read past but that looks wrong. @public */
export interface TraceWarning {
  readonly line: number;
  readonly code: WarningCode;
  readonly message: string;
}

/** The result of checking one log. @public */
export interface TraceReport {
  readonly verdict: 'conforms' | 'violates';
  readonly side: TraceSide;
  readonly profile: string;
  readonly violations: Violation[];
  readonly findings: Finding[];
  readonly statuses: StatusStep[];
  readonly warnings: TraceWarning[];
}

/**
 * The log is not a QMP log at all (its first line is not a QMP JSON object). The CLI exits 2.
 * @public
 */
export class TraceReadError extends Error {
  override readonly name = 'TraceReadError';
  /**
   * @param line - the 1-based line that could not be read
   * @param reason - what was wrong with it
   */
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}
