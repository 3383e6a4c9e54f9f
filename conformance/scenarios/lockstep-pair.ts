import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QEMU_7_2, QEMU_11_0 } from '../../machines/profiles.js';
import { createNodeBackend } from '../../runtime/control/index.js';
import {
  attachPrimary,
  attachSecondary,
  DEFAULT_RUNTIME_OPTIONS,
  NodeRuntime,
} from '../../runtime/node/index.js';
import type { QmpServer } from '../../runtime/qmp/index.js';
import { serveQmp } from '../../runtime/qmp/index.js';
import { connectSide } from './side.js';
import type { Pair, PairOptions, PairSide, Role } from './types.js';

/**
 * Starts two lockstep nodes in this process, each behind its own QMP server on a unix socket, and
 * connects a recording client to each. Killing a side kills its node and closes its QMP server, as a
 * QEMU process dies with its monitor.
 * @public
 */
export async function startLockstepPair(
  impl: 'lockstep-7.2' | 'lockstep-11.0',
  options: PairOptions,
): Promise<Pair> {
  const profile = impl === 'lockstep-7.2' ? QEMU_7_2 : QEMU_11_0;
  const version =
    impl === 'lockstep-7.2' ? { major: 7, minor: 2, micro: 0 } : { major: 11, minor: 0, micro: 0 };
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-pair-'));
  const base = {
    ...DEFAULT_RUNTIME_OPTIONS,
    profile,
    ram: options.ram,
    multifd: options.multifd,
    checkpointDelayMs: options.checkpointDelayMs,
    workload: { ...DEFAULT_RUNTIME_OPTIONS.workload, pagesPerSecond: 500 },
  };
  const nodes: Record<Role, NodeRuntime> = {
    secondary: await NodeRuntime.start({
      ...base,
      role: 'secondary',
      logPath: join(dir, 'secondary.log.jsonl'),
    }),
    primary: await NodeRuntime.start({ ...base, role: 'primary', logPath: join(dir, 'primary.log.jsonl') }),
  };
  attachSecondary(nodes.secondary);
  attachPrimary(nodes.primary);
  let port: Promise<number> = new Promise((resolve) =>
    nodes.secondary.once('listening', (address: AddressInfo) => resolve(address.port)),
  );
  const servers: Partial<Record<Role, QmpServer>> = {};
  const stop = async (role: Role) => {
    if (!nodes[role].killed) nodes[role].kill();
    await servers[role]?.close();
  };
  const sides: Partial<Record<Role, PairSide>> = {};
  try {
    for (const role of ['primary', 'secondary'] as const) {
      const path = join(dir, `${role}.sock`);
      servers[role] = await serveQmp(createNodeBackend(nodes[role]), { path }, { version });
      sides[role] = await connectSide(
        role,
        { path },
        join(options.artifactsDir, `${role}.qmp.jsonl`),
        options.commandTimeoutMs,
        () => stop(role),
      );
    }
  } catch (error) {
    for (const role of ['primary', 'secondary'] as const) {
      await stop(role);
      await sides[role]?.qmp.close().catch(() => {});
      await nodes[role].close();
    }
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const timeout = new Promise<number>((_, reject) =>
    setTimeout(() => reject(new Error('the secondary did not listen within 5 s')), 5000).unref(),
  );
  port = Promise.race([port, timeout]);
  port.catch(() => {});
  return {
    impl,
    profile,
    primary: sides.primary!,
    secondary: sides.secondary!,
    incomingUri: 'tcp:127.0.0.1:0',
    migrateUri: async () => `tcp:127.0.0.1:${await port}`,
    async close() {
      // both logs end, then both nodes die at once, as kill -9 of two processes: neither may see the
      // other go and react in its log
      const closed = [
        sides.primary!.qmp.close().catch(() => {}),
        sides.secondary!.qmp.close().catch(() => {}),
      ];
      for (const node of Object.values(nodes)) if (!node.killed) node.kill();
      await Promise.all(closed);
      for (const role of ['primary', 'secondary'] as const) {
        await stop(role);
        await nodes[role].close();
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
