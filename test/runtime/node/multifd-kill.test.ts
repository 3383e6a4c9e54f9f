import { describe, expect, it } from 'vitest';
import type { Effect } from '../../../machines/index.js';
import { multifdPair, onEffect, resumedFromSentImage, stop, takeOver } from './support/multifd-pair.js';

// where in a checkpoint over multifd the primary dies: the process is gone at once, what it had queued
// in user space with it, what the kernel had still arrives
const POINTS: ReadonlyArray<{ name: string; when: (effect: Effect) => boolean }> = [
  { name: 'its first job handed to a channel', when: (e) => e.kind === 'multifd-job' },
  { name: 'its first packet written', when: (e) => e.kind === 'multifd-write' && e.packet === 'data' },
  { name: 'its first SYNC packet written', when: (e) => e.kind === 'multifd-write' && e.packet === 'sync' },
  { name: 'the multifd sync returned (send-ram)', when: (e) => e.kind === 'send-ram' },
  { name: 'the device state sent', when: (e) => e.kind === 'send-device-state' },
];

describe('the primary killed during a checkpoint over multifd 2', () => {
  it.each(POINTS)('after $name: the secondary takes over from a whole checkpoint', async ({ when }) => {
    const pair = await multifdPair(2);
    try {
      await onEffect(pair.primary, when, () => pair.primary.kill());
      await takeOver(pair.secondary);
      expect(pair.secondary.state.incoming.value).toBe('completed');
      expect(pair.secondary.state.coloCache).toBe('released');
      expect(resumedFromSentImage(pair)).toBe(true);
    } finally {
      await stop(pair);
    }
  });
});
