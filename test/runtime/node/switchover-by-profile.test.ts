import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../../machines/index.js';
import { startPair } from '../../../runtime/demo/run-demo.js';

/** The migration progress inputs the primary logged, in order (its log's `migration` lines). */
async function migrationInputs(log: string): Promise<string[]> {
  const lines = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  return lines
    .map((line) => JSON.parse(line) as { type: string; data?: { input?: { event?: string } } })
    .filter((entry) => entry.type === 'migration')
    .map((entry) => entry.data?.input?.event ?? '');
}

describe("the primary's edge sends switchover only when its node has the step", () => {
  it.each([
    ['qemu-11.0', true],
    ['qemu-7.2', false],
  ] as const)('%s: a switchover input in the log: %s', async (profile, switchover) => {
    const pair = await startPair({
      profile: PROFILES[profile],
      ram: '1M',
      multifd: 0,
      checkpoints: 0,
      failover: 'none',
      checkpointDelayMs: 60_000,
    });
    try {
      const events = await migrationInputs(pair.logs.primary);
      expect(events).toContain('completion-done');
      expect(events.includes('switchover')).toBe(switchover);
    } finally {
      for (const node of [pair.primary, pair.secondary]) {
        node.kill();
        await node.close();
      }
    }
  });
});
