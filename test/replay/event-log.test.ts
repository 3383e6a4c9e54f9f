import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixesWithout } from '../../model/index.js';
import { diffNodes, type ReplayReport, readTrace, replayFile } from '../../replay/index.js';
import { expectedStates } from '../../replay/oracle.js';
import { foldNodeLog } from '../../runtime/node/index.js';
import { saveNamed, tempDir } from './support.js';

describe('replay: every input is logged before it is applied', () => {
  let report: ReplayReport;
  let trace: string;
  beforeAll(async () => {
    const dir = await tempDir();
    trace = await saveNamed(dir, 'releasedCache');
    report = await replayFile(trace, { logDir: dir });
  }, 30_000);

  it("each node's log folds to the model's state after the last step", async () => {
    const { options, steps } = await readTrace(trace);
    const last = expectedStates(options, steps).after.at(-1)!;
    expect(fixesWithout(options.withoutFix ?? []).releaseCacheAfterMultifd).toBe(false);
    for (const [i, side] of (['primary', 'secondary'] as const).entries()) {
      const { state: folded } = await foldNodeLog(report.logs[i]!);
      expect(diffNodes(last[side], folded)).toEqual([]);
      expect(folded.config.role).toBe(side);
    }
  });

  it('the secondary log holds the multifd packet read and the receive-thread steps, page data as sizes only', async () => {
    const text = await readFile(report.logs[1]!, 'utf8');
    expect(text).toContain('"kind":"multifd","channel":0,"event":"packet"');
    expect(text).toContain('"thread":"multifd-0"');
    expect(text.length).toBeLessThan(64 * 1024); // no page contents in the log
  });
});
