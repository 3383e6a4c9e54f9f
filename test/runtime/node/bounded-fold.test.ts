import { describe, expect, it } from 'vitest';
import { createNode, type Effect, QEMU_11_0 } from '../../../machines/index.js';
import {
  EMPTY_STATS,
  foldStats,
  RECENT_CHECKPOINTS,
  RECENT_TIMELINE,
  recordTimeline,
} from '../../../runtime/node/index.js';

const STOP: Effect = { kind: 'qmp-event', event: 'STOP', data: {} };
const colo = { kind: 'step', thread: 'colo' } as const;

describe('a node folded over a run of days stays bounded', () => {
  it('keeps the last RECENT_CHECKPOINTS checkpoints, numbered, and counts them all', () => {
    let stats = EMPTY_STATS;
    const total = RECENT_CHECKPOINTS + 37;
    for (let i = 1; i <= total; i++) {
      stats = foldStats(stats, { ts: i * 10, input: colo, effects: [STOP], checkpointDone: false });
      stats = foldStats(stats, { ts: i * 10 + (i % 7), input: colo, effects: [], checkpointDone: true });
    }
    expect(stats.checkpointsDone).toBe(total);
    expect(stats.checkpoints).toHaveLength(RECENT_CHECKPOINTS);
    expect(stats.checkpoints[0]!.checkpoint).toBe(38);
    expect(stats.checkpoints.at(-1)).toMatchObject({ checkpoint: total, pauseMs: total % 7 });
    expect(stats.inputs).toBe(2 * total);
  });

  it('keeps at least the last RECENT_TIMELINE status changes and never more than twice that', () => {
    const node = createNode({ role: 'primary', profile: QEMU_11_0 });
    const timeline: string[] = [];
    let longest = 0;
    for (let i = 0; i < 5 * RECENT_TIMELINE; i++) {
      const effects: Effect[] = [{ kind: 'qmp-event', event: 'MIGRATION', data: { status: `s${i}` } }];
      recordTimeline(timeline, node, { node, effects });
      longest = Math.max(longest, timeline.length);
      expect(timeline.at(-1)).toBe(`status s${i}`);
    }
    expect(longest).toBeLessThanOrEqual(2 * RECENT_TIMELINE + 1);
    expect(timeline.length).toBeGreaterThanOrEqual(RECENT_TIMELINE);
    const n = 5 * RECENT_TIMELINE;
    expect(timeline.slice(-RECENT_TIMELINE)).toEqual(
      Array.from({ length: RECENT_TIMELINE }, (_, k) => `status s${n - RECENT_TIMELINE + k}`),
    );
  });
});
