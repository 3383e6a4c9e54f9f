import type { ColoMode } from '../../machines/vocabulary.js';
import type { FailoverReplay } from './failover-replay.js';
import type { TraceSide, Violation } from './report.js';

/** The COLO episode a node is in: entered on a line, and whether its thread already said COLO_EXIT. @internal */
export interface ColoEpisode {
  readonly line: number;
  exitLine: number | null;
}

/** What COLO_EXIT must say on each side: the thread hard-codes its role (colo.c, `out:` labels). */
const MODE_OF: Record<TraceSide, ColoMode> = { source: 'primary', incoming: 'secondary' };

/**
 * Checks one COLO_EXIT against what QEMU can produce: a COLO thread exists only after the status
 * reached colo (get_colo_mode() was not none), each thread emits once, the mode is the node's role,
 * and the reason is coloExitReason() of a failover status the failover machine can reach now. `racing`
 * covers *_vm_do_failover (colo.c): it emits MIGRATION completed and wakes the COLO thread before it
 * sets the failover status to completed, so the thread's `out:` may still read active and report error.
 * @internal
 */
export function checkColoExit(
  line: number,
  side: TraceSide,
  status: string,
  episode: ColoEpisode | null,
  failover: FailoverReplay,
  data: Readonly<Record<string, unknown>> | undefined,
  /** Reasons the thread could also report: those of the failover status just before colo → completed. */
  racing: ReadonlySet<string> = new Set(),
): Violation | null {
  const mode = String(data?.mode);
  const reason = String(data?.reason);
  const base = { line, kind: 'colo-exit' as const, from: status, to: `${mode}/${reason}` };
  if (!episode) {
    const why = `COLO_EXIT, but the status never reached colo: get_colo_mode() = none and no COLO thread runs (status ${status})`;
    return { ...base, why };
  }
  if (episode.exitLine !== null) {
    const why = `a second COLO_EXIT for the COLO episode of line ${episode.line} (first on line ${episode.exitLine}); a COLO thread emits one`;
    return { ...base, why };
  }
  episode.exitLine = line;
  if (mode !== MODE_OF[side]) {
    return { ...base, why: `mode ${mode} on the ${side} side: its COLO thread reports ${MODE_OF[side]}` };
  }
  const reasons = new Set([...failover.exitReasons(), ...racing]);
  if (!reasons.has(reason)) {
    const can = [...reasons].join(' or ');
    const why = `reason ${reason}, but with failover status ${failover.status} the COLO thread can only report ${can} (coloExitReason, colo.c out:)`;
    return { ...base, why };
  }
  return null;
}
