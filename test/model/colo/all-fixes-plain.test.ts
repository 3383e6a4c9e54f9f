import { describe, expect, it } from 'vitest';
import { check } from './support.js';

describe('all fixes on, plain, one fault', () => {
  const { report, byName, labels } = check({});

  it('explores the whole bounded space', () => {
    expect(report.complete).toBe(true);
    expect(report.states).toBeGreaterThan(4000);
  });

  it('violates nothing; split brain is the only finding (a heartbeat on a healthy secondary)', () => {
    expect([...byName.keys()]).toEqual(['split-brain']);
    expect(labels('split-brain')?.[0]).toBe('FAULT heartbeat secondary');
  });

  it('the liveness property holds: a side told to take over eventually runs', () => {
    expect(byName.has('heartbeat-side-runs')).toBe(false);
  });
});
