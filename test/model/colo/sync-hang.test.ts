import { describe, expect, it } from 'vitest';
import { check, nodeOf } from './support.js';

describe('multifd-kick-on-exit off: the multifd sync hang (reference §7)', () => {
  it('is a deadlock: the send main thread waits on a sem_sync nothing can post (shortest trace)', () => {
    const { byName, labels } = check({
      multifd: 2,
      withoutFix: ['multifd-kick-on-exit'],
      faultKinds: ['yank'],
      faultSides: ['primary'],
    });
    const deadlock = byName.get('deadlock')!;
    expect(deadlock.kind).toBe('deadlock');
    const trace = labels('deadlock')!;
    expect(trace).toHaveLength(29);
    expect(trace).toContain('FAULT yank primary');
    const last = deadlock.trace!.states.at(-1)!;
    expect((nodeOf(last, 'primary').multifdSend!.value as Record<string, string>).main).toBe(
      'sync-wait-sync',
    );
    expect(String(nodeOf(last, 'primary').colo!.value)).toBe('send-ram');
  }, 60_000);
});
