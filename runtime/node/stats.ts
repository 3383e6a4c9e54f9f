import { produce } from 'immer';
import type { Effect, NodeInput } from '../../machines/index.js';

/** One checkpoint as the primary saw it. @public */
export interface CheckpointStats {
  readonly checkpoint: number;
  /** Primary stopped (STOP) to resumed (RESUME), in milliseconds. */
  readonly pauseMs: number;
  readonly dirtyPages: number;
  readonly bytes: number;
}

/**
 * How many checkpoints {@link NodeStats.checkpoints} keeps: the most recent. A COLO pair checkpoints
 * every few hundred milliseconds for days, so the statistics (and the status reply that shows them) stay
 * bounded; each entry's `checkpoint` says which one it was.
 * @public
 */
export const RECENT_CHECKPOINTS = 4096;

/** The aggregate a node folds from its log: counters and checkpoint statistics. @public */
export interface NodeStats {
  readonly inputs: number;
  /** The last {@link RECENT_CHECKPOINTS} checkpoints, oldest first. */
  readonly checkpoints: readonly CheckpointStats[];
  /** Checkpoints completed in all. */
  readonly checkpointsDone: number;
  readonly stoppedAt: number | null;
  readonly pending: { readonly dirtyPages: number; readonly bytes: number };
  readonly bytesSent: number;
}

/** @public */
export const EMPTY_STATS: NodeStats = {
  inputs: 0,
  checkpoints: [],
  checkpointsDone: 0,
  stoppedAt: null,
  pending: { dirtyPages: 0, bytes: 0 },
  bytesSent: 0,
};

/** What a logged input carried besides the node input: sizes measured at the edge. @public */
export interface InputMeta {
  readonly pages?: number;
  readonly bytes?: number;
  /** The primary's full-RAM digest of the checkpoint it sent (hex), for checks after a crash. */
  readonly digest?: string;
}

/**
 * Folds one applied input into the statistics (with immer). The live node and `log replay` run the same
 * fold over the same log, so they report the same figures.
 * @public
 */
export function foldStats(
  stats: NodeStats,
  step: {
    ts: number;
    input: NodeInput;
    meta?: InputMeta;
    effects: readonly Effect[];
    checkpointDone: boolean;
  },
): NodeStats {
  const ramSent = step.input.kind === 'io' && step.input.completion === 'ram-sent';
  const bytes = step.meta?.bytes ?? 0;
  const coloStep = step.input.kind === 'step' && step.input.thread === 'colo';
  const stops = coloStep && step.effects.some((e) => e.kind === 'qmp-event' && e.event === 'STOP');
  // most inputs (thread steps, packets) only count: no draft for them (immer's costs ~20 µs an input)
  if (!ramSent && bytes === 0 && !stops && !step.checkpointDone)
    return { ...stats, inputs: stats.inputs + 1 };
  return produce(stats, (draft) => {
    draft.inputs++;
    if (step.input.kind === 'io' && step.input.completion === 'ram-sent') {
      draft.pending.dirtyPages += step.meta?.pages ?? 0;
      draft.pending.bytes += step.meta?.bytes ?? 0;
    }
    draft.bytesSent += step.meta?.bytes ?? 0;
    // the COLO thread stops the VM for a checkpoint (not the switchover, not a failover)
    const coloStep = step.input.kind === 'step' && step.input.thread === 'colo';
    if (coloStep && step.effects.some((e) => e.kind === 'qmp-event' && e.event === 'STOP'))
      draft.stoppedAt = step.ts;
    if (step.checkpointDone && draft.stoppedAt !== null) {
      draft.checkpointsDone++;
      if (draft.checkpoints.length >= RECENT_CHECKPOINTS) draft.checkpoints.shift();
      draft.checkpoints.push({
        checkpoint: draft.checkpointsDone,
        pauseMs: step.ts - draft.stoppedAt,
        dirtyPages: draft.pending.dirtyPages,
        bytes: draft.pending.bytes,
      });
      draft.stoppedAt = null;
      draft.pending = { dirtyPages: 0, bytes: 0 };
    }
  });
}
