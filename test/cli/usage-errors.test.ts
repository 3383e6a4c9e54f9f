import { describe, expect, it } from 'vitest';
import { run } from './run.js';

describe('usage errors', () => {
  it.each([
    [['chart', '--bogus'], /^lockstep: unknown option '--bogus'/],
    [['bogus'], /^lockstep: unknown command 'bogus'/],
    [['chart'], /^lockstep: chart needs a machine, "all", --list or --summary; machines: migration-source, /],
    [['chart', 'all'], /^lockstep: chart all needs --out DIR/],
    [['chart', 'failover', 'extra'], /^lockstep: too many arguments/],
    [['chart', 'failover', '--format', 'dot', '--json'], /^lockstep: --json conflicts with --format dot/],
    [
      ['export', 'promela', '--progress'],
      /^lockstep: --progress reports the closure: it goes with --tables closure/,
    ],
  ])('%j exits 2 with one line on stderr', async (argv, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('--help prints usage on stdout and exits 0', async () => {
    const result = await run('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: lockstep');
    expect(result.stdout).toContain('chart');
  });
});
