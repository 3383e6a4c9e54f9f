import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FUZZ_KINDS, fuzzPort, NO_HELLO_KINDS } from './support/fuzz-connections.js';
import { type LockstepProcess, sigkill, startNode, withTimeout } from './support/lockstep-process.js';
import { migrate, startSecondary, status, until } from './support/pair.js';

// hundreds here; BENCH_FIGURES=fuzz runs at least 10,000
const BEFORE_PEER = 150;
const IN_COLO = 300;

const nodes: LockstepProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) {
    await node.qmp.close().catch(() => {});
    await sigkill(node);
  }
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const alive = (node: LockstepProcess) => node.child.exitCode === null && node.child.signalCode === null;

describe('a secondary whose migration port is hammered by hostile connections', () => {
  for (const multifd of [0, 2]) {
    it(`multifd ${multifd}: every connection is refused, the node stays up, QMP answers, its state does not change`, {
      timeout: 240_000,
    }, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'lockstep-fuzz-'));
      dirs.push(dir);
      const { secondary, port } = await startSecondary(dir, nodes, { multifd });
      const listening = await status(secondary);

      // before any peer: nothing that never says a whole hello may change the listener
      const before = await fuzzPort(port, BEFORE_PEER, { seed: 11 + multifd, kinds: NO_HELLO_KINDS });
      expect(Object.values(before).reduce((a, b) => a + b, 0)).toBe(BEFORE_PEER);
      const waiting = await until(secondary, 'the refusals', (s) => (s.refusals?.count ?? 0) >= BEFORE_PEER);
      expect(alive(secondary)).toBe(true);
      expect(waiting.status).toBe(listening.status);
      expect(waiting.refusals!.count).toBe(BEFORE_PEER);

      // the real primary still gets in, and COLO runs
      const primary = await startNode(
        [
          'primary',
          '--qmp',
          join(dir, 'p.sock'),
          '--ram',
          '16M',
          '--log',
          join(dir, 'p.jsonl'),
          '--checkpoint-delay',
          '100',
          ...(multifd > 0 ? ['--multifd', String(multifd)] : []),
        ],
        join(dir, 'p.sock'),
      );
      nodes.push(primary);
      await migrate(primary, '127.0.0.1', port);
      const inColo = await status(secondary);

      // in COLO: every kind, including whole hellos, garbage frames and an intruder's own checkpoint
      const during = await fuzzPort(port, IN_COLO, { seed: 23 + multifd, kinds: FUZZ_KINDS });
      console.log(`network fuzz, multifd ${multifd}: ${BEFORE_PEER} + ${IN_COLO} connections`, during);
      const after = await until(
        secondary,
        'checkpoints after the fuzz',
        (s) => (s.refusals?.count ?? 0) >= BEFORE_PEER + IN_COLO && s.checkpoints >= inColo.checkpoints + 3,
      );
      expect(alive(secondary) && alive(primary)).toBe(true);
      expect(after.status).toBe('colo');
      expect(after.refusals!.count).toBe(BEFORE_PEER + IN_COLO);
      expect(after.refusals!.byCode['extra-connection']).toBe(IN_COLO);
      // every checkpoint the secondary loaded is one the primary sent: nothing of the intruder's was taken
      const sent = (await status(primary)).checkpointDigests ?? [];
      for (const v of after.verified.filter((v) => v.checkpoint > 0)) {
        expect(v.ram).toBe(true);
        if (v.checkpoint <= sent.length) expect(v.digest).toBe(sent[v.checkpoint - 1]);
      }
      expect(secondary.stderr.join('')).not.toMatch(/MaxListenersExceededWarning|Unhandled|RangeError/);
      // QMP still answers at once
      await withTimeout(secondary.qmp.execute('query-status'), 2_000, 'query-status');
    });
  }
});
