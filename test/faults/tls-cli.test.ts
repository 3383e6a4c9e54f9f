import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LockstepProcess, sigkill, startNode } from './support/lockstep-process.js';
import { migrate, startSecondary, status, until } from './support/pair.js';
import { CLIENT_DN, makeCerts, type TestCerts } from './support/tls-certs.js';

let root: string;
let certs: TestCerts;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lockstep-tls-cli-'));
  certs = await makeCerts(root);
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** `lockstep primary` with migration TLS from the folder `creds`, multifd 2. */
async function primary(dir: string, name: string, creds: string, nodes: LockstepProcess[]) {
  const qmp = join(dir, `${name}.sock`);
  const node = await startNode(
    [
      'primary',
      '--qmp',
      qmp,
      '--ram',
      '16M',
      '--log',
      join(dir, `${name}.jsonl`),
      '--checkpoint-delay',
      '100',
      '--multifd',
      '2',
      '--tls-creds',
      creds,
      '--tls-hostname',
      'localhost',
    ],
    qmp,
  );
  nodes.push(node);
  return node;
}

describe('lockstep secondary|primary --tls-creds: a pair of processes over migration TLS', () => {
  it('an intruder without the right certificate gets nothing in; the right primary reaches COLO with every channel TLS', {
    timeout: 120_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-tls-cli-run-'));
    const nodes: LockstepProcess[] = [];
    try {
      const { secondary, port } = await startSecondary(dir, nodes, {
        multifd: 2,
        secondaryExtra: ['--tls-creds', certs.server, '--tls-authz', CLIENT_DN],
      });
      // the flags are the migration parameters QEMU's operator would set
      expect(await secondary.qmp.execute('query-migrate-parameters')).toMatchObject({
        'tls-creds': 'tls0',
        'tls-authz': 'authz0',
      });

      // a primary whose certificate another CA signed: every channel refused at the handshake
      const intruder = await primary(dir, 'intruder', certs.clientOtherCa, nodes);
      await migrate(intruder, '127.0.0.1', port).catch(() => {}); // its migration fails; that is the point
      const refused = await until(
        secondary,
        'the intruder refused',
        (s) => (s.refusals?.byCode['tls-refused'] ?? 0) >= 1,
      );
      expect(refused.refusals?.last).toMatch(/not signed by a trusted CA/);
      expect(refused).toMatchObject({ checkpoints: 0, channels: null, verified: [] });
      await sigkill(intruder);

      // the primary the secondary's tls-authz names
      const good = await primary(dir, 'primary', certs.client, nodes);
      expect(await good.qmp.execute('query-migrate-parameters')).toMatchObject({
        'tls-creds': 'tls0',
        'tls-hostname': 'localhost',
      });
      await migrate(good, '127.0.0.1', port);
      const s = await until(secondary, 'two checkpoints over TLS', (x) => x.checkpoints >= 2);
      expect(s.channels).toEqual({ count: 3, tls: 3 });
      expect((await status(good)).channels).toEqual({ count: 3, tls: 3 });
      expect(s.verified.length).toBeGreaterThan(0);
      expect(s.verified.every((v) => v.ram)).toBe(true);
    } finally {
      for (const node of nodes) {
        await node.qmp.close().catch(() => {});
        await sigkill(node);
      }
      await rm(dir, { recursive: true, force: true });
    }
  });
});
