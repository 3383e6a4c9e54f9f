import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MACHINE_NAMES, PROFILE_NAMES } from '../../machines/index.js';
import { run } from './run.js';

describe('lockstep chart all', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lockstep-charts-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes .mmd, .svg and .full.svg for every machine and profile, an index, and prints the summary', async () => {
    const result = await run('chart', 'all', '--out', dir);
    expect(result.code).toBe(0);
    const files = await readdir(dir);
    for (const machine of MACHINE_NAMES) {
      for (const profile of PROFILE_NAMES) {
        expect(files).toContain(`${machine}.${profile}.mmd`);
        expect(files).toContain(`${machine}.${profile}.svg`);
        expect(files).toContain(`${machine}.${profile}.full.svg`);
      }
    }
    const count = MACHINE_NAMES.length * PROFILE_NAMES.length * 3 + 1;
    expect(files).toHaveLength(count);
    const readme = await readFile(join(dir, 'README.md'), 'utf8');
    expect(readme.match(/```mermaid\n/g)).toHaveLength(MACHINE_NAMES.length * PROFILE_NAMES.length);
    expect(result.stdout.startsWith(`wrote ${count} files to `)).toBe(true);
    expect(result.stdout).toMatch(/multifd-send\s+qemu-7\.2\s+\d+\s+\d+/);
  });

  it('--profile limits it to one profile; --json prints one object', async () => {
    const result = await run('chart', 'all', '--out', dir, '--profile', 'qemu-7.2', '--json');
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { files: string[]; summary: { profile: string }[] };
    expect(parsed.files).toContain('migration-source.qemu-7.2.mmd');
    expect(parsed.files.some((f) => f.includes('qemu-11.0'))).toBe(false);
    expect(new Set(parsed.summary.map((r) => r.profile))).toEqual(new Set(['qemu-7.2']));
  });
});
