import { beforeAll, describe, expect, it } from 'vitest';
import { type ReplayReport, replayFile } from '../../replay/index.js';
import { saveNamed, tempDir } from './support.js';

/** docs/checker.md: return-path-reuse off, heartbeat then migrate_cancel on the primary (6 steps). */
describe('replay: return-path-reuse off (shutdown of an fclosed return path)', () => {
  let report: ReplayReport;
  beforeAll(async () => {
    const dir = await tempDir();
    report = await replayFile(await saveNamed(dir, 'closedFile'), { logDir: dir });
  }, 30_000);

  it('matches the model at every step', () => {
    expect(report.divergence).toBeUndefined();
    expect(report).toMatchObject({ matched: true, steps: 6, replayed: 6 });
  });

  it('migrate_cancel (the last step) shuts the return path the COLO thread already closed', () => {
    expect(report).toMatchObject({ runtimeOutcome: 'closed-file-access', sameOutcome: true });
    expect(report.findings).toEqual([
      expect.objectContaining({ outcome: 'closed-file-access', side: 'primary', step: 6 }),
    ]);
  });
});
