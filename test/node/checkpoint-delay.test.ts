import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { applyInput, QEMU_11_0 } from '../../machines/index.js';
import { failOverTo } from '../../runtime/demo/lost-heartbeat.js';
import { startPair } from '../../runtime/demo/run-demo.js';
import { waitFor } from '../../runtime/demo/wait.js';

/**
 * x-checkpoint-delay is an input of the node, logged before it is applied: in COLO it checkpoints at once
 * and re-arms the timer (colo.c:colo_checkpoint_delay_set -> colo_checkpoint_notify); after a failover the
 * source is completed, so a change only sets the parameter and no periodic timer runs again.
 */
describe('x-checkpoint-delay is a logged input the node decides on', () => {
  it('re-arms the timer in COLO and not after a failover', async () => {
    const pair = await startPair({
      profile: QEMU_11_0,
      ram: '4M',
      multifd: 0,
      checkpoints: 1,
      failover: 'none',
      checkpointDelayMs: 50,
    });
    const { primary, secondary } = pair;
    try {
      await waitFor(primary, 'a checkpoint', () => primary.state.checkpoints >= 1);
      const inColo = applyInput(primary.state, { kind: 'checkpoint-delay', ms: 30 });
      expect(inColo.effects).toContainEqual({ kind: 'arm-timer' });
      expect(inColo.node.qemuEvents.checkpoint).toBe(true);
      primary.setCheckpointDelay(30);
      expect(primary.checkpointDelayMs).toBe(30);

      secondary.kill();
      primary.input({ kind: 'timer' }); // the next checkpoint finds the peer gone
      await failOverTo(primary);
      const after = applyInput(primary.state, { kind: 'checkpoint-delay', ms: 10 });
      expect(after.effects).toEqual([]);
      expect(after.node.qemuEvents).toEqual(primary.state.qemuEvents);
      primary.setCheckpointDelay(10);
      expect(primary.checkpointDelayMs).toBe(10);

      await primary.sync();
      const logged = (await readFile(pair.logs.primary, 'utf8'))
        .split('\n')
        .filter((line) => line.includes('"checkpoint-delay"'))
        .map((line) => (JSON.parse(line) as { data: { input: { ms: number } } }).data.input.ms);
      expect(logged).toEqual([30, 10]);
    } finally {
      for (const node of [primary, secondary]) {
        if (!node.killed) node.kill();
        await node.close();
      }
    }
  }, 60_000);
});
