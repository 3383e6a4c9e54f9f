import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SwarmReport } from '../../../model/spin/index.js';
import { readTrace } from '../../../replay/index.js';
import { runInProcess as run } from '../../support/run-in-process.js';
import { requireSpin } from './support.js';

// A bitstate swarm is incomplete by construction: with a hash array too small for the 4,572 states of
// the plain configuration, runs prune states, and the verdicts must say so (never "holds", exit 3).
describe('lockstep export promela --swarm', () => {
  let dir = '';
  beforeAll(async () => {
    await requireSpin();
    dir = await mkdtemp(join(tmpdir(), 'lockstep-swarm-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reports bitstate verdicts as incomplete, with coverage and omission per run', async () => {
    const out = join(dir, 'colo.pml');
    const { code, out: text } = await run([
      'export',
      'promela',
      '--out',
      out,
      '--swarm',
      '2',
      '--bits',
      '12',
      '--trace-out',
      join(dir, 'traces'),
      '--json',
    ]);
    const { states, swarm, traces } = JSON.parse(text) as {
      states: number;
      swarm: SwarmReport;
      traces: string[];
    };
    expect(code).toBe(3); // split-brain is a finding; nothing else found, nothing proven
    expect(swarm.complete).toBe(false);
    expect(swarm.known).toBe(states);
    expect(swarm.runs).toHaveLength(2 * swarm.verdicts.length);
    // diversified: the two runs of a property do not share options
    expect(swarm.runs[0]!.args).not.toEqual(swarm.runs[1]!.args);
    const verdict = (p: string) => swarm.verdicts.find((v) => v.property === p)!;
    expect(verdict('split-brain').verdict).toBe('violated');
    expect(verdict('output-commit')).toMatchObject({ verdict: 'not-found', complete: false });
    // 4096 bits for 4,572 states: states are pruned, and the estimate says it was likely
    const full = swarm.runs.filter((r) => !r.violated);
    for (const r of full) {
      expect(r.truncated).toBe(false);
      expect(r.states).toBeLessThan(states);
      expect(r.omission).toBeGreaterThan(0.1);
    }
    expect(verdict('output-commit').coverage).toBeLessThan(1);
    // the split-brain trail, replayed on the model, saved where `lockstep replay` reads it
    expect(verdict('split-brain').counterexample?.model.violated).toBe(true);
    expect(traces).toEqual([join(dir, 'traces', 'split-brain.json')]);
    const trace = await readTrace(traces[0]!);
    expect(trace.property).toBe('split-brain');
    expect(trace.steps).toEqual(verdict('split-brain').counterexample?.steps);
  }, 120_000);

  it('refuses swarm options without --swarm, and --swarm beside --spin, with exit 2', async () => {
    const out = join(dir, 'refused.pml');
    const lone = await run(['export', 'promela', '--out', out, '--bits', '20']);
    expect(lone.code).toBe(2);
    expect(lone.err).toContain('go with --swarm');
    const both = await run(['export', 'promela', '--out', out, '--spin', '--swarm', '2']);
    expect(both.code).toBe(2);
    expect(both.err).toContain('separate runs');
    const traces = await run(['export', 'promela', '--out', out, '--trace-out', dir]);
    expect(traces.code).toBe(2);
    expect(traces.err).toContain('--trace-out goes with --swarm');
    const how = await run(['export', 'promela', '--out', out, '--tables', 'guess']);
    expect(how.code).toBe(2);
    expect(how.err).toContain('unknown tables "guess"');
    const bad = await run(['export', 'promela', '--out', out, '--swarm', '0']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--swarm must be an integer from 1');
    const minutes = await run(['export', 'promela', '--out', out, '--minutes', '2']);
    expect(minutes.code).toBe(2);
    expect(minutes.err).toContain('go with --swarm');
    const bound = await run(['export', 'promela', '--out', out, '--bound-states', '100']);
    expect(bound.code).toBe(2);
    expect(bound.err).toContain('go with --tables bounded');
    const compared = await run(['export', 'promela', '--out', out, '--tables', 'bounded', '--spin']);
    expect(compared.code).toBe(2);
    expect(compared.err).toContain('under-approximation');
  });
});
