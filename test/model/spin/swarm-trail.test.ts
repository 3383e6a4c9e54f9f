import { beforeAll, describe, expect, it } from 'vitest';
import { traceFile } from '../../../model/colo/index.js';
import type { ColoModelOptions } from '../../../model/index.js';
import { exportPromela } from '../../../model/promela/index.js';
import { replayOnModel, runSwarm } from '../../../model/spin/index.js';
import { checkTraceInModel, parseTrace } from '../../../replay/index.js';
import { requireSpin } from './support.js';

// A swarm's counterexample does not stay Spin's word: its trail is replayed by pan into lockstep steps,
// those are replayed on lockstep's model, and the property must be violated where they end.
describe("a Spin swarm's counterexample, replayed on the model", () => {
  beforeAll(requireSpin);

  // return-path-reuse off: the COLO thread fcloses the return path that migrate_cancel then shuts
  const options: ColoModelOptions = {
    faults: 2,
    faultKinds: ['heartbeat', 'cancel'],
    withoutFix: ['return-path-reuse'],
  };

  it('violates the same property on the model, from tables compiled by closure', async () => {
    const report = await runSwarm(exportPromela(options, undefined, 'closure'), {
      jobs: 2,
      bits: 18,
      parallel: 2,
      properties: ['no-closed-file-access', 'output-commit'],
    });
    expect(report.problems).toEqual([]);
    expect(report.known).toBeNull(); // no composed search made the tables
    const found = report.verdicts.find((v) => v.property === 'no-closed-file-access')!;
    expect(found.verdict).toBe('violated');
    const trail = found.counterexample!;
    expect(trail.steps.length).toBeGreaterThan(0);
    expect(trail.model).toEqual({ steps: trail.steps.length, refusedAt: null, violated: true });
    // every violating run's trail replays, not just the shortest
    for (const run of report.runs.filter((r) => r.violated))
      expect(run.counterexample?.model.violated).toBe(true);
    // the steps stop where the property fails: one step fewer and it holds
    expect(replayOnModel(options, 'no-closed-file-access', trail.steps.slice(0, -1)).violated).toBe(false);
    // and it is a trace file `lockstep replay` reads, each step one the model takes
    const trace = parseTrace(
      JSON.parse(
        JSON.stringify(
          traceFile(
            options,
            found.property,
            trail.steps.map((action) => ({ action })),
          ),
        ),
      ),
    );
    expect(trace.property).toBe('no-closed-file-access');
    expect(() => checkTraceInModel(trace)).not.toThrow();
    const quiet = report.verdicts.find((v) => v.property === 'output-commit')!;
    expect(quiet).toMatchObject({ verdict: 'not-found', counterexample: null });
  }, 300_000);

  it('does not confirm a property the steps do not violate', () => {
    expect(replayOnModel(options, 'split-brain', [])).toEqual({ steps: 0, refusedAt: null, violated: false });
    const refused = replayOnModel(options, 'deadlock', [{ t: 'deliver', to: 'primary' }]);
    expect(refused.refusedAt).toBe(0);
  });
});
