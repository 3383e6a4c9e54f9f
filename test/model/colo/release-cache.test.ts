import { describe, expect, it } from 'vitest';
import { check } from './support.js';

const base = { multifd: 1, faultKinds: ['heartbeat'] as const };

describe('release-cache-after-multifd', () => {
  it('off: a multifd receive thread stores pages into the freed colo cache (shortest trace)', () => {
    const { byName, labels } = check({ ...base, withoutFix: ['release-cache-after-multifd'] });
    const trace = labels('no-released-cache-access')!;
    expect(byName.get('no-released-cache-access')?.kind).toBe('safety');
    expect(trace).toHaveLength(21);
    expect(trace).toContain('FAULT heartbeat secondary');
    expect(trace.at(-1)).toBe('multifd channel 0 delivers to secondary');
  });

  it('on: the cache outlives every receive thread', () => {
    const { report, byName } = check(base);
    expect(report.states).toBeGreaterThan(5000);
    expect(byName.has('no-released-cache-access')).toBe(false);
  });
});
