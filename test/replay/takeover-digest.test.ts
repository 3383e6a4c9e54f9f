import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { replayFile } from '../../replay/index.js';
import { saveScripted, tempDir } from './support.js';

/**
 * One checkpoint over multifd, then x-colo-lost-heartbeat on the secondary: it takes over with the
 * image of checkpoint 1. The runtime checks that image against the digest of what the primary sent.
 */
describe('replay: the survivor of a takeover holds the primary checkpoint image', () => {
  let trace: string;
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
    trace = await saveScripted(dir, 'takeover', { multifd: 2, faultKinds: ['heartbeat'] }, 'split-brain', [
      { t: 'trigger' },
      'settle',
      { t: 'fault', fault: 'heartbeat', side: 'secondary' },
      'settle',
    ]);
  }, 30_000);

  it('real pages through the colo cache: the survivor RAM is the checkpoint image (no mismatch), and the primary still serves too: split brain', async () => {
    const report = await replayFile(trace, { logDir: join(dir, 'clean') });
    expect(report.divergence).toBeUndefined();
    expect(report.matched).toBe(true);
    expect(report.steps).toBeGreaterThan(30);
    expect(report).toMatchObject({
      runtimeOutcome: 'split-brain',
      expectedOutcome: 'split-brain',
      sameOutcome: true,
    });
    expect(report.findings).toHaveLength(1);
    expect(report.detail).toMatch(
      /both processes run the VM as the service: the primary .* and the secondary \(failover completed/,
    );
  });

  it('a page corrupted on its way is caught at the checkpoint load and again after the takeover', async () => {
    const report = await replayFile(trace, { logDir: join(dir, 'corrupt'), corruptPages: true });
    expect(report.matched).toBe(true); // the model knows nothing of page contents
    expect(report.runtimeOutcome).toBe('digest-mismatch');
    expect(report.sameOutcome).toBe(false);
    const [load, takeover] = report.findings;
    expect(load).toMatchObject({ outcome: 'digest-mismatch', side: 'secondary' });
    expect(load?.detail).toMatch(/^checkpoint 1 loaded RAM [0-9a-f]{16}…, the primary sent [0-9a-f]{16}…$/);
    expect(takeover?.step).toBe(report.steps + 1);
    expect(takeover?.detail).toContain("is not the primary's checkpoint 1 image");
  });
});
