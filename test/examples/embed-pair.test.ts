import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('examples/embed-pair.ts, through the public exports only', () => {
  it('reaches COLO, runs 3 checkpoints, fails over to the secondary on the primary image: one JSON line', async () => {
    // the package resolves itself through package.json exports; the condition picks the sources over dist/
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', '--conditions', 'lockstep-source', 'examples/embed-pair.ts'],
      { timeout: 90_000 },
    );
    expect(stderr).toBe('');
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      checkpoints: 3,
      failover: { side: 'secondary', digestMatch: true },
    });
  }, 120_000);

  it('imports nothing but the package by its name and node: modules', async () => {
    const { readFile } = await import('node:fs/promises');
    const source = await readFile('examples/embed-pair.ts', 'utf8');
    const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    for (const from of imports) expect(from).toMatch(/^(node:|lockstep(\/|$))/);
  });
});
