import { existsSync } from 'node:fs';
import { copyFile, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../cli/run.js';
import { tempDir } from './support.js';

describe('lockstep check then lockstep replay', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
    const check = await run('check', '--multifd', '1', '--fault', 'link-break', '--trace-out', dir, '--json');
    expect(check.code).toBe(1);
  }, 30_000);

  it('--json: the report of the saved deadlock trace, exit 0 (the runtime hangs as the trace does)', async () => {
    const trace = join(dir, 'deadlock.json');
    const result = await run('replay', trace, '--json', '--log-dir', join(dir, 'logs'));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      trace,
      property: 'deadlock',
      matched: true,
      runtimeOutcome: 'hang',
      expectedOutcome: 'hang',
      sameOutcome: true,
      logs: [join(dir, 'logs', 'primary.log'), join(dir, 'logs', 'secondary.log')],
    });
    const first = (await readFile(report.logs[1], 'utf8')).split('\n')[0]!;
    expect(JSON.parse(first)).toMatchObject({ type: 'start', data: { role: 'secondary', multifd: 1 } });
  });

  it('text: the steps, the outcome and where the secondary waits', async () => {
    const result = await run('replay', join(dir, 'deadlock.json'), '--log-dir', join(dir, 'logs'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("31/31 steps replayed; after each one both nodes equal the model's");
    expect(result.stdout).toContain('runtime outcome: hang (same as the trace)');
    expect(result.stdout).toContain('multifd_recv_sync_main');
  });

  it('without --log-dir: the logs go to a fresh OS temp folder it prints, nothing into the current folder', async () => {
    const name = `default-logs-${process.pid}`;
    const trace = join(dir, `${name}.json`);
    await copyFile(join(dir, 'deadlock.json'), trace);
    const result = await run('replay', trace);
    expect(result.code).toBe(0);
    const logs = /^logs: (.*), (.*)$/m.exec(result.stdout)!.slice(1);
    const folder = dirname(logs[0]!);
    expect(folder.startsWith(join(tmpdir(), `lockstep-replay-${name}-`))).toBe(true);
    expect(existsSync(logs[1]!)).toBe(true);
    expect(existsSync(join(process.cwd(), '.lockstep', 'replay', name))).toBe(false);
    await rm(folder, { recursive: true });
  });
});
