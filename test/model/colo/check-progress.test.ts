import { describe, expect, it } from 'vitest';
import { estimate, progressLine } from '../../../cli/commands/check-progress.js';
import { EXIT_INCOMPLETE } from '../../../cli/errors.js';
import { main } from '../../../cli/main.js';

const sample = { states: 50_000, depth: 17, queue: 1234, statesPerSecond: 10_000 };
const NO_LIMIT = { maxStates: Number.POSITIVE_INFINITY, maxSeconds: Number.POSITIVE_INFINITY };

describe('progress on long runs', () => {
  it('a line names states, states/s, depth, queue, memory and time', () => {
    expect(progressLine(sample, 5.2, 300 * 2 ** 20, NO_LIMIT)).toBe(
      '50000 states, 10000 states/s, depth 17, queue 1234, 300 MiB, 5 s',
    );
  });

  it('estimates the time to whichever limit comes first, and nothing without one', () => {
    expect(estimate(sample, 5, NO_LIMIT)).toBe('');
    expect(estimate(sample, 5, { ...NO_LIMIT, maxStates: 150_000 })).toBe(', limit in ~10 s');
    expect(estimate(sample, 5, { ...NO_LIMIT, maxSeconds: 8 })).toBe(', limit in ~3 s');
    expect(estimate(sample, 5, { maxStates: 150_000, maxSeconds: 8 })).toBe(', limit in ~3 s');
  });

  it('--progress prints plain lines on stderr when it is no terminal, and --max-seconds ends the run incomplete', async () => {
    let out = '';
    let err = '';
    const code = await main(['check', '--multifd', '3', '--max-seconds', '3', '--progress', '--json'], {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
    });
    expect(code).toBe(EXIT_INCOMPLETE);
    expect(JSON.parse(out)).toMatchObject({ complete: false });
    const lines = err.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const line of lines)
      expect(line).toMatch(
        /^\d+ states, \d+ states\/s, depth \d+, queue \d+, \d+ MiB, \d+ s, limit in ~\d+ s$/,
      );
    expect(err).not.toContain('\r');
  }, 60_000);

  it('prints nothing on stderr without --progress when stderr is no terminal', async () => {
    let err = '';
    await main(['check', '--max-states', '500', '--json'], { stdout: () => {}, stderr: (t) => (err += t) });
    expect(err).toBe('');
  });
});
