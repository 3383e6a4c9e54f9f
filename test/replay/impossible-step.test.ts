import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { replayFile } from '../../replay/index.js';
import { run } from '../cli/run.js';
import { saveNamed, tempDir } from './support.js';

describe('replay: a step the runtime cannot take is reported as the divergence', () => {
  let dir: string;
  let trace: { steps: { action: unknown }[] };
  beforeAll(async () => {
    dir = await tempDir();
    trace = JSON.parse(await readFile(await saveNamed(dir, 'closedFile'), 'utf8'));
  }, 30_000);

  it('a delivery with nothing in flight stops the replay at that step, naming what could move', async () => {
    // after the bring-up nothing is in flight on the return path: the primary cannot read a message
    const steps = [trace.steps[0], { action: { t: 'deliver', to: 'primary' } }, ...trace.steps.slice(1)];
    const path = join(dir, 'impossible.json');
    await writeFile(path, JSON.stringify({ ...trace, steps }));
    const report = await replayFile(path, { logDir: join(dir, 'logs') });
    expect(report.matched).toBe(false);
    expect(report.replayed).toBe(1);
    expect(report.divergence).toMatchObject({
      step: 2,
      action: 'link delivers to primary',
      side: null,
      field: 'step',
      expected: 'nothing (the model refuses it too)',
    });
    expect(report.divergence?.actual).toContain('the runtime cannot take "link delivers to primary"');
    expect(report.divergence?.actual).toContain('it could: primary main-loop steps');
    // the fault after it never ran: no closed-file access
    expect(report.runtimeOutcome).toBe('none');
    expect(report.sameOutcome).toBe(false);
  });

  it('the CLI prints the divergence and exits 1', async () => {
    const steps = [{ action: { t: 'step', side: 'secondary', thread: 'main-loop' } }, ...trace.steps];
    const path = join(dir, 'impossible-cli.json');
    await writeFile(path, JSON.stringify({ ...trace, steps }));
    const result = await run('replay', path, '--log-dir', join(dir, 'cli-logs'));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('DIVERGED at step 1 (secondary main-loop steps)');
    expect(result.stdout).toContain('runtime outcome: none (the trace predicts closed-file-access)');
  });
});

describe('lockstep replay: a step the model refuses is an edited trace', () => {
  it('exits 2 naming the step, before any node starts', async () => {
    const dir = await tempDir();
    const trace = JSON.parse(await readFile(await saveNamed(dir, 'closedFile'), 'utf8'));
    // nothing is in flight to the primary right after the first step: the model cannot deliver
    const steps = [trace.steps[0], { action: { t: 'deliver', to: 'primary' } }, ...trace.steps.slice(1)];
    const path = join(dir, 'tampered.json');
    await writeFile(path, JSON.stringify({ ...trace, steps }));
    const result = await run('replay', path, '--log-dir', join(dir, 'tampered-logs'));
    expect(result.stderr).toMatch(
      /^lockstep: .*steps\[1\]\.action is .*"deliver".*a step the model takes there/,
    );
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
  }, 30_000);
});
