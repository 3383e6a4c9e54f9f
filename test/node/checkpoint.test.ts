import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../index.js';
import { bringUp } from './support/bring-up.js';

const sent = (effects: { kind: string; message?: string }[]) =>
  effects.filter((e) => e.kind === 'send').map((e) => e.message);

describe.each(Object.values(PROFILES))('node composition, $name', (profile) => {
  it('reaches colo on both sides with CHECKPOINT_READY and both VMs running', () => {
    const pair = bringUp(profile);
    expect(pair.nodes.primary.source.value).toBe('colo');
    expect(pair.nodes.secondary.incoming.value).toBe('colo');
    expect(pair.nodes.primary.colo?.value).toBe('wait-checkpoint-event');
    expect(pair.nodes.secondary.colo?.value).toBe('wait-checkpoint-request');
    expect(pair.nodes.primary.vm).toBe('running');
    expect(pair.nodes.secondary.vm).toBe('running');
    expect(pair.nodes.secondary.coloCache).toBe('allocated');
    expect(sent(pair.effects.secondary)).toEqual(['checkpoint-ready']);
  });

  it('runs checkpoints message by message, each one counted on both sides', () => {
    const pair = bringUp(profile);
    for (let i = 1; i <= 3; i++) {
      pair.apply('primary', { kind: 'timer' });
      pair.settle();
      expect(pair.nodes.primary.checkpoints).toBe(i);
      expect(pair.nodes.secondary.checkpoints).toBe(i);
    }
    expect(sent(pair.effects.primary)).toEqual(
      Array(3).fill(['checkpoint-request', 'vmstate-send', 'vmstate-size']).flat(),
    );
    expect(sent(pair.effects.secondary)).toEqual([
      'checkpoint-ready',
      ...Array(3).fill(['checkpoint-reply', 'vmstate-received', 'vmstate-loaded']).flat(),
    ]);
    const kinds = pair.effects.secondary.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'flush-ram-cache')).toHaveLength(3);
    expect(kinds.includes('system-reset')).toBe(profile.resetBeforeLoad);
    expect(pair.nodes.primary.vm).toBe('running');
  });

  it('a timer that fires during a checkpoint is absorbed by the reset of colo_checkpoint_event', () => {
    const pair = bringUp(profile);
    pair.apply('primary', { kind: 'timer' });
    pair.apply('primary', { kind: 'step', thread: 'colo' }); // CHECKPOINT_REQUEST sent
    pair.apply('primary', { kind: 'timer' });
    pair.settle();
    expect(pair.nodes.primary.checkpoints).toBe(1);
    expect(pair.nodes.primary.colo?.value).toBe('wait-checkpoint-event');
  });
});
