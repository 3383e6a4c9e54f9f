import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const config = fileURLToPath(new URL('./fixtures/vitest.fixture.config.ts', import.meta.url));
const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

/** Runs vitest on one fixture and returns the closing line the summary reporter printed. */
function summaryLine(fixture: string): string {
  const run = spawnSync(process.execPath, [vitest, 'run', '--config', config], {
    encoding: 'utf8',
    env: { ...process.env, LOCKSTEP_FIXTURE: fixture, CI: 'true' },
    timeout: 60_000,
  });
  const line = run.stdout.split('\n').find((l) => /^\d+ passed, \d+ failed, \d+ skipped$/.test(l));
  expect(run.status, run.stderr).not.toBe(0);
  return line ?? `no summary line in: ${run.stdout}`;
}

describe('the summary line CI reads', () => {
  it('counts the tests of a suite whose beforeAll throws as failed, a .skip as skipped', () => {
    expect(summaryLine('throwing-before-all.fixture.ts')).toBe('1 passed, 2 failed, 1 skipped');
  });

  it('counts a file that fails to import as one failure', () => {
    expect(summaryLine('fails-to-import.fixture.ts')).toBe('0 passed, 1 failed, 0 skipped');
  });
});
