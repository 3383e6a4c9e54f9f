import { describe, expect, it } from 'vitest';
import { runInProcess as run } from '../../support/run-in-process.js';

describe('lockstep check', () => {
  it('--list-fixes --json lists the four fixes', async () => {
    const { code, out } = await run(['check', '--list-fixes', '--json']);
    expect(code).toBe(0);
    const { fixes } = JSON.parse(out) as { fixes: { name: string; description: string }[] };
    expect(fixes.map((f) => f.name)).toEqual([
      'multifd-kick-on-exit',
      'release-cache-after-multifd',
      'return-path-reuse',
      'file-lock-in-failover',
    ]);
  });

  it("--list-fixes --json lists lockstep's proposed fixes apart from the series", async () => {
    const { out } = await run(['check', '--list-fixes', '--json']);
    const { proposed } = JSON.parse(out) as { proposed: { name: string; description: string }[] };
    expect(proposed.map((f) => f.name)).toEqual(['recv-kick-on-exit']);
    expect(proposed[0]!.description).toMatch(/not in QEMU/);
  });

  it('exits 0 when everything holds (split brain is a finding) and prints the --json shape', async () => {
    const { code, out } = await run(['check', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining(['states', 'transitions', 'seconds', 'bytesPerState', 'violations']),
    );
    expect(report.violations).toEqual([]);
    expect(report.findings.map((f: { property: string }) => f.property)).toEqual(['split-brain']);
  });

  it('exits 1 with a message sequence chart when a fix is off and its race is reachable', async () => {
    const { code, out } = await run([
      'check',
      '--faults',
      '2',
      '--fault',
      'heartbeat',
      '--fault',
      'cancel',
      '--without-fix',
      'return-path-reuse',
    ]);
    expect(code).toBe(1);
    expect(out).toMatch(/no-closed-file-access\s+safety\s+VIOLATED/);
    expect(out).toMatch(/violation: no-closed-file-access \(6 steps\)/);
    expect(out).toMatch(/primary\s+\| link\s+\| secondary/);
  });

  it('exits 2 on a bad fix name, listing the valid ones', async () => {
    const { code, err } = await run(['check', '--without-fix', 'nope']);
    expect(code).toBe(2);
    expect(err).toContain('valid: multifd-kick-on-exit, release-cache-after-multifd');
  });
});
