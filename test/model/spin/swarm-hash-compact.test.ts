import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SwarmReport } from '../../../model/spin/index.js';
import { runInProcess as run } from '../../support/run-in-process.js';
import { requireSpin } from './support.js';

// Hash-compact keeps a 96-bit signature per state: on the plain configuration's 4,572 states no two
// collide, so each run that finds nothing stores exactly what lockstep's complete search counted, where
// a bitstate run with a small array does not (swarm.test.ts); still never a proof (exit 3).
describe('lockstep export promela --swarm --hash-compact', () => {
  let dir = '';
  beforeAll(async () => {
    await requireSpin();
    dir = await mkdtemp(join(tmpdir(), 'lockstep-swarm-hc-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('stores every state of the configuration and reports a vanishing omission', async () => {
    const { code, out } = await run([
      'export',
      'promela',
      '--out',
      join(dir, 'colo.pml'),
      '--swarm',
      '2',
      '--hash-compact',
      '--bits',
      '16',
      '--json',
    ]);
    const { states, swarm } = JSON.parse(out) as { states: number; swarm: SwarmReport };
    expect(code).toBe(3);
    expect(swarm.mode).toBe('hash-compact');
    expect(swarm.build.flags).toContain('-DHC4');
    expect(swarm.build.flags).not.toContain('-DBITSTATE');
    for (const r of swarm.runs) {
      expect(r.args).toContain('-w16');
      expect(r.args.some((a) => a.startsWith('-k'))).toBe(false);
    }
    const quiet = swarm.runs.filter((r) => !r.violated);
    expect(quiet.length).toBeGreaterThan(0);
    for (const r of quiet) {
      expect(r.states).toBe(states);
      expect(r.omission).toBe(states / 2 ** 96);
    }
    const verdict = (p: string) => swarm.verdicts.find((v) => v.property === p)!;
    expect(verdict('output-commit')).toMatchObject({ verdict: 'not-found', complete: false, coverage: 1 });
    expect(verdict('split-brain').verdict).toBe('violated');
    expect(verdict('split-brain').counterexample?.model.violated).toBe(true);
  }, 120_000);

  it('refuses --hashes, a bitstate option, with exit 2', async () => {
    const { code, err } = await run(['export', 'promela', '--swarm', '1', '--hash-compact', '--hashes', '3']);
    expect(code).toBe(2);
    expect(err).toMatch(/--hashes is pan -k of a bitstate search/);
  });
});
