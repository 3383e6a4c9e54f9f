/**
 * Embedding lockstep: a primary and a secondary started in this process through the package's public
 * API only, driven as an operator drives QEMU (capabilities, migrate-incoming, cont, migrate) into COLO;
 * 3 checkpoints; the primary is killed and the secondary takes over. Prints one JSON line:
 * `{"checkpoints":3,"failover":{"side":"secondary","digestMatch":true}}`.
 *
 * Run it: `npx tsx examples/embed-pair.ts` (after `npm run build`), or against the sources with
 * `npx tsx --conditions lockstep-source examples/embed-pair.ts`. docs/embedding.md walks through it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNode } from 'lockstep/runtime';

const CHECKPOINTS = 3;
const dir = await mkdtemp(join(tmpdir(), 'lockstep-embed-'));
const colo = { 'x-colo': true };

// the secondary listens for the migration (port 0: any free port) with x-colo on, as QEMU -incoming defer
const secondary = await startNode({
  role: 'secondary',
  logPath: join(dir, 'secondary.jsonl'),
  ram: '64M',
  capabilities: colo,
  listen: '127.0.0.1:0',
});
const primary = await startNode({
  role: 'primary',
  logPath: join(dir, 'primary.jsonl'),
  ram: '64M',
  checkpointDelayMs: 100,
  capabilities: colo,
});
try {
  // the digest of every checkpoint image the primary sent, by checkpoint number
  const sent = new Map<number, string>();
  primary.on('checkpoint', ({ checkpoint, digest }) => sent.set(checkpoint, digest));
  const enough = primary.next('checkpoint', ({ checkpoint }) => checkpoint >= CHECKPOINTS);
  const inColo = primary.next('migration', ({ status }) => status === 'colo');

  const port = secondary.migrationAddress?.port;
  await primary.qmp('cont');
  const reply = await primary.qmp('migrate', { uri: `tcp:127.0.0.1:${port}` });
  if ('error' in reply) throw new Error(`migrate: ${reply.error.desc}`);
  await inColo;
  await enough;

  // the primary dies; the secondary sees its peer go (COLO_EXIT) and management fails over to it
  primary.kill();
  const report = await secondary.failOver();
  const digestMatch = report.everyLoadMatched && report.digest === sent.get(report.resumedFromCheckpoint);
  console.log(
    JSON.stringify({
      checkpoints: sent.size,
      failover: { side: report.side, digestMatch },
    }),
  );
} finally {
  await Promise.all([primary.stop(), secondary.stop()]);
  await rm(dir, { recursive: true, force: true });
}
