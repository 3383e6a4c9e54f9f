import { describe, expect, it } from 'vitest';
import { CHART_FORMATS } from '../../charts/render.js';
import { MACHINE_NAMES, MACHINES, PROFILE_NAMES } from '../../machines/index.js';
import { run } from './run.js';

describe('lockstep chart --list', () => {
  it('prints each machine with its one-line summary', async () => {
    const result = await run('chart', '--list');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(MACHINE_NAMES.length);
    MACHINE_NAMES.forEach((name, i) => {
      expect(lines[i]).toMatch(new RegExp(`^${name}\\s+`));
      expect(lines[i]?.endsWith(MACHINES[name].summary)).toBe(true);
    });
  });

  it('with --json prints one parseable object of machines, profiles and formats', async () => {
    const result = await run('chart', '--list', '--json');
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as {
      machines: { name: string; summary: string }[];
      profiles: { name: string }[];
      formats: string[];
    };
    expect(parsed.machines.map((m) => m.name)).toEqual([...MACHINE_NAMES]);
    expect(parsed.profiles.map((p) => p.name)).toEqual([...PROFILE_NAMES]);
    expect(parsed.formats).toEqual([...CHART_FORMATS]);
  });
});
