/**
 * The first record of every log segment after the first: the run's start line and the fold as it stood,
 * so a reader can begin there once older segments are gone.
 * @packageDocumentation
 */
import { type NodeSnapshot, restoreNode, snapshotNode } from '../../machines/index.js';
import { fail } from '../errors.js';
import type { LogEvent, LogInput } from '../log/index.js';
import type { NodeFold } from './fold-step.js';
import { configOf, type NodeLogStart, parseStartLine } from './start-line.js';
import type { NodeStats } from './stats.js';

/** The data of a `segment` record. @public */
export interface SegmentHeader {
  /** The run's start line, repeated. */
  readonly start: NodeLogStart;
  /** Which segment this is (2, 3, …). */
  readonly segment: number;
  /** The fold after every input of the segments before. */
  readonly fold: {
    readonly node: NodeSnapshot;
    readonly stats: NodeStats;
    readonly timeline: readonly string[];
  };
}

/** The record that starts segment `segment` of a run at `fold`. @internal */
export function segmentHeader(start: NodeLogStart, segment: number, fold: NodeFold): LogInput<SegmentHeader> {
  return {
    type: 'segment',
    data: {
      start,
      segment,
      fold: { node: snapshotNode(fold.state), stats: fold.stats, timeline: [...fold.timeline] },
    },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks that `event` starts a later segment of a node log and returns its start line and fold.
 * @throws LockstepError `log-not-node-log` naming what is wrong.
 * @internal
 */
export function parseSegmentHeader(
  event: LogEvent | undefined,
  path: string,
): { start: NodeLogStart; fold: NodeFold } {
  const bad = (actual: string): never =>
    fail('log-not-node-log', {
      path,
      line: 1,
      actual,
      expected: 'a "segment" record: start line, segment number and the fold so far',
    });
  if (event === undefined) return bad('the file holds no whole record');
  if (event.type !== 'segment') return bad(`a "${event.type}" record`);
  const d = event.data;
  if (!isObject(d) || !isObject(d.fold)) return bad('no fold');
  const start = parseStartLine({ ...event, type: 'start', data: d.start }, path);
  const { node, stats, timeline } = d.fold;
  if (!isObject(node) || !isObject(stats) || !Array.isArray(stats.checkpoints))
    return bad('a fold without its node or statistics');
  if (!Array.isArray(timeline) || !timeline.every((line) => typeof line === 'string'))
    return bad('a timeline that is not a list of lines');
  try {
    return {
      start,
      fold: {
        state: restoreNode(node, configOf(start)),
        stats: stats as unknown as NodeStats,
        timeline: [...timeline],
      },
    };
  } catch (e) {
    return bad(`a node the machines cannot restore (${(e as Error).message})`);
  }
}
