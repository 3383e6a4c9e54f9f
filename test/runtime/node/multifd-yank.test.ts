import { describe, expect, it } from 'vitest';
import { multifdMainIdle } from '../../../machines/index.js';
import { multifdPair, onEffect, stop, takeOver } from './support/multifd-pair.js';

const coloExits = (node: {
  on(e: 'effect', f: (e: { kind: string; event?: string; data?: unknown }) => void): unknown;
}) => {
  const exits: unknown[] = [];
  node.on('effect', (e) => e.kind === 'qmp-event' && e.event === 'COLO_EXIT' && exits.push(e.data));
  return exits;
};

describe('a yank of the primary while its multifd channels carry a checkpoint', () => {
  it('the channel threads fail their writes, the checkpoint fails, and the primary takes over', async () => {
    const pair = await multifdPair(2);
    try {
      const exits = coloExits(pair.primary);
      const checkpoints = pair.primary.state.checkpoints;
      // util/yank.c, out of band, right after the first packet of the next checkpoint went out
      await onEffect(
        pair.primary,
        (e) => e.kind === 'multifd-write' && e.packet === 'data',
        () => void pair.primary.qmp('yank', undefined, true),
      );
      await takeOver(pair.primary);
      expect(exits).toEqual([{ mode: 'primary', reason: 'error' }]);
      // a channel thread met the shut socket: multifd_send_set_error set `exiting`; the checkpoint never
      // completed (multifd_send or the sync failed, or the main channel's write did)
      const send = pair.primary.state.multifdSend!;
      expect((send.context as { exiting: boolean }).exiting).toBe(true);
      expect(pair.primary.state.checkpoints).toBe(checkpoints);
      expect(multifdMainIdle(pair.primary.state)).toBe(true);
      expect(pair.primary.state.source.value).toBe('completed');
      expect(pair.primary.state.vm).toBe('running');
    } finally {
      await stop(pair);
    }
  });
});
