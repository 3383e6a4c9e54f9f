import { TraceChecker } from './checker.js';
import { splitLog } from './read.js';
import { type TraceOptions, TraceReadError, type TraceReport, type TraceSide } from './report.js';
import { splitBrain } from './serving.js';

/** Options of {@link checkTrace}. @public */
export interface CheckTraceOptions extends TraceOptions {
  /** The other side's log (lines or whole text), for split-brain detection. */
  readonly peer?: string | readonly string[];
}

const OTHER: Record<TraceSide, TraceSide> = { source: 'incoming', incoming: 'source' };

/**
 * Replays one QEMU's QMP log through the machines of a profile and reports every MIGRATION status change
 * and COLO_EXIT the machines cannot produce, plus legal but alarming findings.
 * @param log - the log as text or as lines (one wire object per line)
 * @throws TraceReadError when the log (or the peer's) is not a QMP log; the error names the line
 * @example
 * ```ts
 * const report = checkTrace(readFileSync('primary.jsonl', 'utf8'), { side: 'source', profile: QEMU_7_2 });
 * if (report.verdict === 'violates') console.log(report.violations);
 * ```
 * @public
 */
export function checkTrace(log: string | readonly string[], options: CheckTraceOptions): TraceReport {
  const checker = run(log, options);
  const report = checker.finish();
  if (options.peer === undefined) return report;
  const peer = run(options.peer, { side: OTHER[options.side], profile: options.profile });
  peer.finish();
  const finding = splitBrain(checker.serving.intervals, peer.serving.intervals);
  return finding ? { ...report, findings: [...report.findings, finding] } : report;
}

function run(log: string | readonly string[], options: TraceOptions): TraceChecker {
  const lines = typeof log === 'string' ? splitLog(log) : log;
  const checker = new TraceChecker(options);
  for (const [index, line] of lines.entries()) checker.push(line, index === lines.length - 1);
  if (!checker.readable)
    throw new TraceReadError(Math.max(lines.length, 1), 'empty: no QMP message in the log');
  return checker;
}
