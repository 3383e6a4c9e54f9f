/**
 * One step of a node's fold: a logged input applied through the machines, the statistics and the status
 * timeline advanced. The live node and every reader of its log take this same step, so a log replays to
 * exactly the states, figures and timeline the node reported.
 * @packageDocumentation
 */
import {
  type Applied,
  applyInput,
  createNode,
  type NodeConfig,
  type NodeState,
} from '../../machines/index.js';
import type { LoggedInput } from './logged-input.js';
import { EMPTY_STATS, foldStats, type NodeStats } from './stats.js';

/** What a node's log folds to. @public */
export interface NodeFold {
  readonly state: NodeState;
  readonly stats: NodeStats;
  /** Status changes in order, as MIGRATION events and COLO thread states. */
  readonly timeline: readonly string[];
}

/** The fold before the first input. @public */
export function initialFold(config: NodeConfig): NodeFold {
  return { state: createNode(config), stats: EMPTY_STATS, timeline: [] };
}

/**
 * Applies one logged input at time `ts`. `timeline` is appended to in place (it only grows), so a run of
 * days costs no copy per input.
 * @public
 */
export function foldStep(
  fold: NodeFold,
  ts: number,
  logged: LoggedInput,
): { fold: NodeFold; applied: Applied } {
  const before = fold.state;
  const applied = applyInput(before, logged.input);
  const stats = foldStats(fold.stats, {
    ts,
    input: logged.input,
    ...(logged.meta ? { meta: logged.meta } : {}),
    effects: applied.effects,
    checkpointDone: applied.node.checkpoints > before.checkpoints,
  });
  const timeline = fold.timeline as string[];
  recordTimeline(timeline, before, applied);
  return { fold: { state: applied.node, stats, timeline }, applied };
}

/**
 * How many status changes a timeline keeps at least: the most recent (each checkpoint adds a few, so a
 * run of days would otherwise grow it without bound).
 * @public
 */
export const RECENT_TIMELINE = 4096;

/**
 * Appends what changed: MIGRATION statuses and the COLO thread's state. Past twice
 * {@link RECENT_TIMELINE} entries the oldest are dropped down to that many (in place, amortized).
 * @public
 */
export function recordTimeline(timeline: string[], before: NodeState, applied: Applied): void {
  if (timeline.length > 2 * RECENT_TIMELINE) timeline.splice(0, timeline.length - RECENT_TIMELINE);
  for (const effect of applied.effects) {
    if (effect.kind === 'qmp-event' && effect.event === 'MIGRATION')
      timeline.push(`status ${String(effect.data.status)}`);
  }
  const was = before.colo ? String(before.colo.value) : null;
  const now = applied.node.colo ? String(applied.node.colo.value) : null;
  if (now !== was && now !== null) timeline.push(`colo ${now}`);
}
