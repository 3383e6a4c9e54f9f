import { beforeAll, describe, expect, it } from 'vitest';
import { createColoModel } from '../../../model/colo/index.js';
import { checker } from '../../../model/engine/index.js';
import { BOUNDED_CAVEAT, exportPromela } from '../../../model/promela/index.js';
import {
  buildPan,
  crossCheckExport,
  removePan,
  replayOnModel,
  runPan,
  runSwarm,
} from '../../../model/spin/index.js';
import { requireSpin } from './support.js';

// Tables from a bounded search are the fallback for configurations the closure cannot reach: Spin then
// searches an under-approximation. A path that meets a transition the tables lack ends there (never an
// assertion), every counterexample is still a real one (it replays on the model), and no verdict claims
// more than that.
describe('a Promela export over tables from a bounded search', () => {
  beforeAll(requireSpin);

  it('is refused by the cross-check, whose full-search count it could never match', async () => {
    const model = exportPromela({}, undefined, 'bounded', { states: 500, walks: 0 });
    await expect(crossCheckExport({}, model)).rejects.toThrow(/bounded search/);
  });

  it('is the exact export when the bounded search completes', async () => {
    const model = exportPromela({}, undefined, 'bounded', { states: 1_000_000 });
    expect(model.bounded?.bfs.complete).toBe(true);
    expect(model.bounded?.walks.runs).toBe(0);
    const full = checker(createColoModel({})).spawnBfs();
    const build = await buildPan(model);
    try {
      const count = await runPan(build, 0);
      expect(count).toMatchObject({ errors: 0, partial: false, states: full.states });
    } finally {
      await removePan(build);
    }
  }, 120_000);

  it('cuts paths at missing transitions, finds only real counterexamples, and says what it is worth', async () => {
    const model = exportPromela({}, undefined, 'bounded', { states: 500, walks: 20 });
    expect(model.bounded).toMatchObject({ bfs: { states: 500, complete: false }, walks: { runs: 20 } });
    expect(model.text).toContain(BOUNDED_CAVEAT);
    const full = checker(createColoModel({})).spawnBfs();
    const build = await buildPan(model);
    try {
      // exhaustive over the bounded tables: no assertion of the machinery, fewer states than the model
      const count = await runPan(build, 0);
      expect(count).toMatchObject({ errors: 0, assertion: null });
      expect(count.states).toBeLessThan(full.states);
    } finally {
      await removePan(build);
    }
    const report = await runSwarm(model, {
      jobs: 2,
      bits: 18,
      parallel: 2,
      minutes: 1,
      properties: ['split-brain', 'output-commit'],
    });
    expect(report.problems).toEqual([]);
    expect(report.caveat).toBe(BOUNDED_CAVEAT);
    expect(report.known).toBeNull();
    const found = report.verdicts.find((v) => v.property === 'split-brain')!;
    expect(found.verdict).toBe('violated');
    const trail = found.counterexample!;
    expect(trail.model).toEqual({ steps: trail.steps.length, refusedAt: null, violated: true });
    expect(replayOnModel({}, 'split-brain', trail.steps.slice(0, -1)).violated).toBe(false);
    expect(report.verdicts.find((v) => v.property === 'output-commit')).toMatchObject({
      verdict: 'not-found',
      complete: false,
    });
    for (const run of report.runs) {
      expect(run.args).toContain('-Q1');
      expect(run.timedOut).toBe(false);
    }
  }, 120_000);
});
