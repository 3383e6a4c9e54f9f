import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type LockstepProcess, sigkill, withTimeout } from './support/lockstep-process.js';
import { type Status, startPair, status, until } from './support/pair.js';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
const suffix = String(process.pid % 100_000);
const NS = [`lsS${suffix}`, `lsP${suffix}`] as const;
const DEV = [`lsvS${suffix}`, `lsvP${suffix}`] as const;
const ADDR = ['10.231.7.1', '10.231.7.2'] as const;

/** Two network namespaces joined by a veth pair: the secondary's and the primary's hosts. */
function createHosts(): void {
  for (const ns of NS) ip('netns', 'add', ns);
  ip('link', 'add', DEV[0], 'type', 'veth', 'peer', 'name', DEV[1]);
  for (const i of [0, 1] as const) {
    ip('link', 'set', DEV[i], 'netns', NS[i]);
    ip('-n', NS[i], 'addr', 'add', `${ADDR[i]}/24`, 'dev', DEV[i]);
    ip('-n', NS[i], 'link', 'set', DEV[i], 'up');
    ip('-n', NS[i], 'link', 'set', 'lo', 'up');
  }
}

const nodes: LockstepProcess[] = [];
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) {
    await node.qmp.close().catch(() => {});
    await sigkill(node);
  }
  for (const step of cleanup.splice(0)) await step();
});

const PEER_TIMEOUT_MS = 1_000;

describe('a pair partitioned in network namespaces', () => {
  it('both sides report the silent peer within the configured time, stay in COLO, and the operator fails over', {
    timeout: 120_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-partition-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    cleanup.push(() => {
      for (const ns of NS) ip('netns', 'del', ns);
    });
    createHosts();
    const { secondary, primary } = await startPair(dir, nodes, {
      host: ADDR[0],
      extra: ['--peer-timeout', String(PEER_TIMEOUT_MS)],
      wrap: [
        ['ip', 'netns', 'exec', NS[0]],
        ['ip', 'netns', 'exec', NS[1]],
      ],
    });
    const healthy = await status(secondary);
    expect(healthy.peer).toEqual({ silentSince: null, reports: 0 });

    // the partition: the link goes down, no FIN and no RST reach either side
    const cut = performance.now();
    ip('-n', NS[0], 'link', 'set', DEV[0], 'down');
    const detected = async (node: LockstepProcess, what: string): Promise<[Status, number]> => {
      const s = await until(node, what, (s) => s.peer?.silentSince != null, 15_000);
      return [s, performance.now() - cut];
    };
    const [[s, secondaryMs], [p, primaryMs]] = await Promise.all([
      detected(secondary, 'the secondary to report the partition'),
      detected(primary, 'the primary to report the partition'),
    ]);
    console.log(
      `partition detected after ${Math.round(secondaryMs)} ms (secondary), ${Math.round(primaryMs)} ms (primary); peer timeout ${PEER_TIMEOUT_MS} ms`,
    );
    for (const ms of [secondaryMs, primaryMs]) {
      expect(ms).toBeGreaterThanOrEqual(PEER_TIMEOUT_MS * 0.9);
      expect(ms).toBeLessThan(PEER_TIMEOUT_MS + 3_000);
    }
    // reported, not acted on: both still in COLO, QMP answers
    expect([s.status, p.status]).toEqual(['colo', 'colo']);
    expect([s.peer!.reports, p.peer!.reports]).toEqual([1, 1]);

    // the watchdog's decision (docs/runtime.md): x-colo-lost-heartbeat on the survivor it picks
    await withTimeout(secondary.qmp.execute('x-colo-lost-heartbeat'), 10_000, 'x-colo-lost-heartbeat');
    await until(secondary, 'the secondary to run', (s) => s.status === 'completed' && s.vm === 'running');
  });
});
