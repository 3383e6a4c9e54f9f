/**
 * Migration TLS against plain TCP, side by side in one run: the same in-process pair (multifd 2, a
 * uniform workload) once over TCP and once with every channel a TLS session (tls-creds-x509 set through
 * QMP, certificates made by openssl for the run), alternating `repeats` times. One JSON line: precopy time
 * and the mean checkpoint pause for each, and their ratio.
 *
 * `npx tsx bench/tls.ts [ram] [checkpoints] [repeats]`
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QEMU_11_0 } from '../machines/index.js';
import { createNodeBackend } from '../runtime/control/index.js';
import {
  attachPrimary,
  attachSecondary,
  DEFAULT_RUNTIME_OPTIONS,
  NodeRuntime,
} from '../runtime/node/index.js';
import { makeCerts, type TestCerts } from '../test/faults/support/tls-certs.js';

const X_COLO = { capabilities: [{ capability: 'x-colo', state: true }] };

/** One pair: precopy of `ram`, then `checkpoints` checkpoints; TLS if `certs`. */
async function pairRun(ram: string, checkpoints: number, certs: TestCerts | null) {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-bench-tls-'));
  const start = async (role: 'primary' | 'secondary') => {
    const runtime = await NodeRuntime.start({
      ...DEFAULT_RUNTIME_OPTIONS,
      role,
      profile: QEMU_11_0,
      ram,
      multifd: 2,
      checkpointDelayMs: 200,
      logPath: join(dir, `${role}.jsonl`),
    });
    (role === 'primary' ? attachPrimary : attachSecondary)(runtime);
    const qmp = createNodeBackend(runtime);
    const run = (command: string, args?: Record<string, unknown>) =>
      qmp.execute(command, args, { oob: false });
    if (certs) {
      const endpoint = role === 'primary' ? 'client' : 'server';
      const folder = role === 'primary' ? certs.client : certs.server;
      await run('object-add', { 'qom-type': 'tls-creds-x509', id: 'tls0', dir: folder, endpoint });
      await run('migrate-set-parameters', { 'tls-creds': 'tls0' });
    }
    await run('migrate-set-capabilities', X_COLO);
    return { runtime, run };
  };
  const secondary = await start('secondary');
  const primary = await start('primary');
  try {
    const listening = once(secondary.runtime, 'listening');
    await secondary.run('migrate-incoming', { uri: 'tcp:127.0.0.1:0' });
    const { port } = (await listening)[0] as AddressInfo;
    await primary.run('cont');
    const began = performance.now();
    await primary.run('migrate', { uri: `tcp:127.0.0.1:${port}` });
    let precopyMs = 0;
    while (primary.runtime.stats.checkpoints.length < checkpoints) {
      if (precopyMs === 0 && primary.runtime.state.checkpoints >= 1) precopyMs = performance.now() - began;
      if (performance.now() - began > 300_000)
        throw new Error(
          `bench/tls: ${primary.runtime.state.checkpoints} checkpoints, ${primary.runtime.stats.checkpoints.length} measured, status ${JSON.stringify(primary.runtime.state.vm)}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
    const pauses = primary.runtime.stats.checkpoints.slice(0, checkpoints).map((c) => c.pauseMs);
    return { precopyMs, pauseMs: pauses.reduce((a, b) => a + b, 0) / pauses.length };
  } finally {
    for (const node of [primary, secondary]) {
      node.runtime.kill();
      await node.runtime.close();
    }
    await rm(dir, { recursive: true, force: true });
  }
}

/** The bench line: plain and TLS pairs alternating, `repeats` each. */
export async function tlsLine(ram = '256M', checkpoints = 20, repeats = 2): Promise<object> {
  const root = await mkdtemp(join(tmpdir(), 'lockstep-bench-certs-'));
  try {
    const certs = await makeCerts(root);
    const plain: Array<{ precopyMs: number; pauseMs: number }> = [];
    const tls: Array<{ precopyMs: number; pauseMs: number }> = [];
    for (let i = 0; i < repeats; i++) {
      plain.push(await pairRun(ram, checkpoints, null));
      tls.push(await pairRun(ram, checkpoints, certs));
    }
    const mean = (runs: typeof plain, key: 'precopyMs' | 'pauseMs') =>
      Number((runs.reduce((sum, r) => sum + r[key], 0) / runs.length).toFixed(1));
    return {
      figure: 'migration-tls',
      ram,
      multifd: 2,
      checkpoints,
      repeats,
      plain: { precopyMs: mean(plain, 'precopyMs'), pauseMs: mean(plain, 'pauseMs') },
      tls: { precopyMs: mean(tls, 'precopyMs'), pauseMs: mean(tls, 'pauseMs') },
      precopyRatio: Number((mean(tls, 'precopyMs') / mean(plain, 'precopyMs')).toFixed(2)),
      pauseRatio: Number((mean(tls, 'pauseMs') / mean(plain, 'pauseMs')).toFixed(2)),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`)
  console.log(
    JSON.stringify(
      await tlsLine(process.argv[2] ?? '256M', Number(process.argv[3] ?? 20), Number(process.argv[4] ?? 2)),
    ),
  );
