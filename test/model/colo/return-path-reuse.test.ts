import { describe, expect, it } from 'vitest';
import { check } from './support.js';

// Trigger A of reference §9.3 needs two operator actions: x-colo-lost-heartbeat, then migrate_cancel
const base = { faults: 2, faultKinds: ['heartbeat', 'cancel'] as const };

describe('return-path-reuse', () => {
  it('off: migrate_cancel shuts the return path the COLO thread just fclosed (shortest trace)', () => {
    const { labels } = check({ ...base, withoutFix: ['return-path-reuse'] });
    const trace = labels('no-closed-file-access')!;
    expect(trace).toHaveLength(6);
    expect(trace[0]).toBe('FAULT heartbeat primary');
    expect(trace.at(-1)).toBe('FAULT cancel primary');
  });

  it('on: no access to a closed file', () => {
    const { report, byName } = check(base);
    expect(report.states).toBeGreaterThan(10000);
    expect(byName.has('no-closed-file-access')).toBe(false);
  });

  it('file-lock-in-failover alone is not observable: the unlocked closer is what races (documented)', () => {
    const { byName } = check({ ...base, withoutFix: ['file-lock-in-failover'] });
    expect(byName.has('no-closed-file-access')).toBe(false);
  });
});
