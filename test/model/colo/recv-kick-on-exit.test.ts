import { describe, expect, it } from 'vitest';
import { check } from './support.js';

/**
 * lockstep's proposed fix for the receive-side sync hang (recv-sync-hang.test.ts): every exiting
 * receive thread posts recv_state->sem_sync. With it the standard configurations verify; without it the
 * same exploration finds the hang, so the fix, not a smaller state space, is what removes it.
 */
describe('recv-kick-on-exit (proposed, not in QEMU)', () => {
  it('multifd 1, every fault kind: the receive sync hang is gone, every property holds', () => {
    const { report, byName } = check({ multifd: 1, withFix: ['recv-kick-on-exit'] });
    expect(report.complete).toBe(true);
    expect([...byName.keys()]).toEqual(['split-brain']); // a finding by design, not a violation
  });

  it('multifd 1, the link break that hangs QEMU: no deadlock with the fix, a deadlock without it', () => {
    const options = { multifd: 1, faultKinds: ['link-break'] } as const;
    expect(check({ ...options, withFix: ['recv-kick-on-exit'] }).byName.has('deadlock')).toBe(false);
    expect(check(options).byName.has('deadlock')).toBe(true);
  });
});
