/**
 * A node's log folded back into its states: the one reader of node logs, used by `lockstep log replay`,
 * the replay layer and anyone embedding the runtime.
 * @packageDocumentation
 */
import { fail } from '../errors.js';
import { readLog, segmentOf, segmentsOf, type TornLine } from '../log/index.js';
import { foldStep, initialFold, type NodeFold } from './fold-step.js';
import { EDGE_NOTES, type LoggedInput, loggedInputError } from './logged-input.js';
import { parseSegmentHeader } from './segment-header.js';
import { configOf, type NodeLogStart, parseStartLine } from './start-line.js';

/** A node log, read and folded. @public */
export interface FoldedNodeLog extends NodeFold {
  /** The start line: role, profile, RAM, multifd, fixes, run id. */
  readonly start: NodeLogStart;
  /** Inputs folded (records after the start line or the first segment's header). */
  readonly inputs: number;
  /** The files read, oldest first: the first segment alone, or the segments still on disk. */
  readonly segments: readonly string[];
  /** `start` when the fold began at the run's start line; `snapshot` when older segments were removed. */
  readonly from: 'start' | 'snapshot';
  /** A torn last line (a crash mid-write) that was dropped, or null. */
  readonly torn: TornLine | null;
}

/**
 * Reads the node log at `path` (every segment of it still on disk) and folds every input through the
 * machines from the config its start line names, exactly as the live node did; when the oldest segments
 * were removed, from the fold the oldest remaining one starts with.
 * @throws LockstepError `log-corrupt-line`, `log-sequence-gap`, `log-not-node-log`, `log-bad-input`
 * (each with the file, line and what was wrong), or the file system's error for an unreadable path.
 * @example
 * ```ts
 * import { foldNodeLog } from 'lockstep/runtime';
 * const { start, state, stats, timeline } = await foldNodeLog('secondary.jsonl');
 * console.log(start.role, stats.checkpointsDone, timeline.at(-1));
 * ```
 * @public
 */
export async function foldNodeLog(path: string): Promise<FoldedNodeLog> {
  const segments = segmentsOf(path);
  let begun: { start: NodeLogStart; fold: NodeFold; from: 'start' | 'snapshot' } | undefined;
  let inputs = 0;
  let torn: TornLine | null = null;
  let lastSeq = 0;
  for (const [i, file] of segments.entries()) {
    const first = segmentOf(file).n === 1;
    const read = await readLog(file, { continues: !first });
    if (torn !== null)
      fail('log-corrupt-line', {
        path: segments[i - 1] ?? file,
        line: torn.line,
        offset: torn.offset,
        actual: 'a torn line in a segment a later one follows',
      });
    torn = read.torn;
    const { events } = read;
    if (begun === undefined) {
      if (first) {
        const start = parseStartLine(events[0], file);
        begun = { start, fold: initialFold(configOf(start)), from: 'start' };
      } else begun = { ...parseSegmentHeader(events[0], file), from: 'snapshot' };
    } else {
      const header = parseSegmentHeader(events[0], file);
      if (header.start.run !== begun.start.run || events[0]?.seq !== lastSeq + 1)
        fail('log-sequence-gap', {
          path: file,
          line: 1,
          expected: `seq ${lastSeq + 1} of run ${begun.start.run}`,
          actual: `seq ${events[0]?.seq} of run ${header.start.run}`,
        });
    }
    let fold = begun.fold;
    for (let k = 1; k < events.length; k++) {
      const event = events[k] as (typeof events)[number];
      const line = k + 1;
      if (EDGE_NOTES.has(event.type)) continue;
      const why = loggedInputError(event.type, event.data);
      if (why !== null)
        fail('log-bad-input', {
          path: file,
          line,
          actual: why,
          expected: 'one node input per record after the start line',
        });
      try {
        fold = foldStep(fold, event.ts, event.data as LoggedInput).fold;
      } catch (e) {
        fail('log-bad-input', {
          path: file,
          line,
          actual: (e as Error).message,
          expected: 'an input the machines accept',
        });
      }
      inputs++;
    }
    begun = { ...begun, fold };
    lastSeq = events.at(-1)?.seq ?? lastSeq;
  }
  if (begun === undefined)
    return fail('log-not-node-log', { path, line: 1, actual: 'no file', expected: 'a node log' });
  return { ...begun.fold, start: begun.start, inputs, segments, from: begun.from, torn };
}
