import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../index.js';
import { bringUp } from './support/bring-up.js';

const events = (effects: { kind: string }[], name: string) =>
  effects.filter(
    (e): e is { kind: 'qmp-event'; event: string; data: Record<string, unknown> } =>
      e.kind === 'qmp-event' && (e as { event?: string }).event === name,
  );

describe.each(Object.values(PROFILES))('failover through the node composition, $name', (profile) => {
  it('secondary failover after the primary dies: COLO_EXIT(error), then completed and running', () => {
    const pair = bringUp(profile);
    pair.apply('primary', { kind: 'timer' });
    pair.settle();
    pair.kill('primary');
    pair.settle();
    // the thread leaves on the broken channel and waits for the operator, still in colo
    expect(events(pair.effects.secondary, 'COLO_EXIT').map((e) => e.data)).toEqual([
      { mode: 'secondary', reason: 'error' },
    ]);
    expect(pair.nodes.secondary.incoming.value).toBe('colo');
    expect(pair.nodes.secondary.colo?.value).toBe('wait-incoming-event');
    pair.qmp('secondary', 'x-colo-lost-heartbeat');
    pair.settle();
    expect(pair.nodes.secondary.incoming.value).toBe('completed');
    expect(pair.nodes.secondary.failover.value).toBe('completed');
    expect(pair.nodes.secondary.vm).toBe('running');
    expect(pair.nodes.secondary.coloCache).toBe('released');
    expect(pair.nodes.secondary.checkpoints).toBe(1);
  });

  it('primary failover after the secondary dies: the PVM continues alone', () => {
    const pair = bringUp(profile);
    pair.kill('secondary');
    pair.apply('primary', { kind: 'timer' });
    pair.settle();
    expect(pair.nodes.primary.colo?.value).toBe('wait-exit-event');
    pair.qmp('primary', 'x-colo-lost-heartbeat');
    pair.settle();
    expect(pair.nodes.primary.source.value).toBe('completed');
    expect(pair.nodes.primary.colo?.status).toBe('done');
    expect(pair.nodes.primary.vm).toBe('running');
    expect(events(pair.effects.primary, 'COLO_EXIT').map((e) => e.data.reason)).toEqual(['error']);
  });

  it('a heartbeat on a healthy primary exits with reason request', () => {
    const pair = bringUp(profile);
    pair.qmp('primary', 'x-colo-lost-heartbeat');
    pair.settle();
    expect(pair.nodes.primary.source.value).toBe('completed');
    expect(events(pair.effects.primary, 'COLO_EXIT').map((e) => e.data)).toEqual([
      { mode: 'primary', reason: 'request' },
    ]);
  });

  it("refuses the heartbeat outside COLO, with the profile's error text", () => {
    const pair = bringUp(profile);
    const [reply] = pair.qmp('secondary', 'migrate-set-capabilities', {});
    expect(reply).toMatchObject({ kind: 'qmp-reply' });
    const fresh = new (pair.constructor as typeof import('./support/memory-pair.js').MemoryPair)(profile);
    const [refused] = fresh.qmp('primary', 'x-colo-lost-heartbeat');
    expect(refused).toMatchObject({ kind: 'qmp-reply', reply: { error: { class: 'GenericError' } } });
  });
});
