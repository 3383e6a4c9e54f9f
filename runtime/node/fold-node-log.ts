/**
 * A node's log folded back into its states: the one reader of node logs, used by `lockstep log replay`,
 * the replay layer and anyone embedding the runtime.
 * @packageDocumentation
 */
import { fail } from '../errors.js';
import { readLog, type TornLine } from '../log/index.js';
import { foldStep, initialFold, type NodeFold } from './fold-step.js';
import { type LoggedInput, loggedInputError } from './logged-input.js';
import { configOf, type NodeLogStart, parseStartLine } from './start-line.js';

/** A node log, read and folded. @public */
export interface FoldedNodeLog extends NodeFold {
  /** The start line: role, profile, RAM, multifd, fixes, run id. */
  readonly start: NodeLogStart;
  /** Inputs folded (the records after the start line). */
  readonly inputs: number;
  /** A torn last line (a crash mid-write) that was dropped, or null. */
  readonly torn: TornLine | null;
}

/**
 * Reads the node log at `path` and folds every input through the machines from the config its start
 * line names, exactly as the live node did.
 * @throws LockstepError `log-corrupt-line`, `log-sequence-gap`, `log-not-node-log`, `log-bad-input`
 * (each with the file, line and what was wrong), or the file system's error for an unreadable path.
 * @example
 * ```ts
 * import { foldNodeLog } from 'lockstep/runtime';
 * const { start, state, stats, timeline } = await foldNodeLog('secondary.jsonl');
 * console.log(start.role, stats.checkpoints.length, timeline.at(-1));
 * ```
 * @public
 */
export async function foldNodeLog(path: string): Promise<FoldedNodeLog> {
  const { events, torn } = await readLog(path);
  const start = parseStartLine(events[0], path);
  let fold = initialFold(configOf(start));
  for (let i = 1; i < events.length; i++) {
    const event = events[i] as (typeof events)[number];
    const line = i + 1;
    const why = loggedInputError(event.type, event.data);
    if (why !== null)
      fail('log-bad-input', {
        path,
        line,
        actual: why,
        expected: 'one node input per record after the start line',
      });
    try {
      fold = foldStep(fold, event.ts, event.data as LoggedInput).fold;
    } catch (e) {
      fail('log-bad-input', {
        path,
        line,
        actual: (e as Error).message,
        expected: 'an input the machines accept',
      });
    }
  }
  return { ...fold, start, inputs: events.length - 1, torn };
}
