import { beforeAll, describe, expect, it } from 'vitest';
import { type ReplayReport, replayFile } from '../../replay/index.js';
import { saveNamed, tempDir } from './support.js';

/** docs/checker.md: release-cache-after-multifd off, one channel, a heartbeat on the secondary (21 steps). */
describe('replay: release-cache-after-multifd off (use after free of the colo cache)', () => {
  let report: ReplayReport;
  beforeAll(async () => {
    const dir = await tempDir();
    report = await replayFile(await saveNamed(dir, 'releasedCache'), { logDir: dir });
  }, 30_000);

  it('matches the model at every step', () => {
    expect(report.divergence).toBeUndefined();
    expect(report).toMatchObject({ matched: true, steps: 21, replayed: 21 });
  });

  it("the last step's multifd packet, real pages off the socket, meets a released cache: recorded, not written", () => {
    expect(report).toMatchObject({
      runtimeOutcome: 'released-cache-access',
      expectedOutcome: 'released-cache-access',
      sameOutcome: true,
    });
    expect(report.findings).toHaveLength(1);
    const [access] = report.findings;
    expect(access).toMatchObject({ outcome: 'released-cache-access', side: 'secondary', step: 21 });
    // the primary's guest dirtied pages at the trigger; the packet carried them (not an empty stand-in)
    expect(access?.detail).toMatch(/multifd channel 0 \(multifd_recv_thread\) stored [1-9]\d* pages/);
  });
});
