import { describe, expect, it } from 'vitest';
import { CHART_FORMATS } from '../../charts/render.js';
import { MACHINE_NAMES, PROFILE_NAMES } from '../../machines/index.js';
import { run } from './run.js';

describe('lockstep chart with an unknown name', () => {
  it.each([
    ['machine', ['chart', 'foo'], MACHINE_NAMES],
    ['profile', ['chart', 'failover', '--profile', 'qemu-1.0'], PROFILE_NAMES],
    ['format', ['chart', 'failover', '--format', 'png'], CHART_FORMATS],
  ] as const)('an unknown %s exits 2 with one line listing the valid names', async (kind, argv, valid) => {
    const result = await run(...argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`lockstep: unknown ${kind} "${argv.at(-1)}"; valid: ${valid.join(', ')}\n`);
  });
});
