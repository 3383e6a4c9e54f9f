import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../../index.js';
import { runDemo } from '../../../runtime/demo/run-demo.js';

// the secondary's multifd receive threads in worker threads: the same checkpoints, the same digests
describe('multifd receive threads in worker threads (multifdWorkers)', () => {
  it.each(['secondary', 'primary'] as const)(
    'multifd 2: 5 checkpoints whose digests match, then the %s takes over on the last one',
    async (failover) => {
      const result = await runDemo({
        profile: PROFILES['qemu-11.0'],
        ram: '16M',
        multifd: 2,
        multifdWorkers: true,
        checkpoints: 5,
        failover,
        checkpointDelayMs: 50,
      });
      expect(result.checkpoints).toHaveLength(5);
      for (const c of result.checkpoints) expect(c.bytes).toBeGreaterThan(0);
      expect(result.failover).toMatchObject({ side: failover, digestMatch: true });
      expect(result.failover!.resumedFromCheckpoint).toBeGreaterThanOrEqual(5);
    },
  );
});
