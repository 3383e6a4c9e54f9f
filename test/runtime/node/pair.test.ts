import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../../index.js';
import { runDemo } from '../../../runtime/demo/run-demo.js';

const cases = Object.values(PROFILES).flatMap((profile) =>
  (profile.coloMultifd ? [0, 2] : [0]).flatMap((multifd) =>
    (['secondary', 'primary'] as const).map((failover) => ({ profile, multifd, failover })),
  ),
);

describe('a primary and a secondary over loopback TCP', () => {
  it.each(cases)(
    '$profile.name, multifd $multifd: 3 checkpoints, then the $failover takes over',
    async ({ profile, multifd, failover }) => {
      const result = await runDemo({
        profile,
        ram: '16M',
        multifd,
        checkpoints: 3,
        failover,
        checkpointDelayMs: 50,
      });
      expect(result.checkpoints).toHaveLength(3);
      for (const c of result.checkpoints) {
        expect(c.pauseMs).toBeGreaterThan(0);
        expect(c.bytes).toBeGreaterThan(0);
      }
      expect(result.failover).toMatchObject({ side: failover, digestMatch: true });
      expect(result.failover!.resumedFromCheckpoint).toBeGreaterThanOrEqual(3);
    },
  );
});
