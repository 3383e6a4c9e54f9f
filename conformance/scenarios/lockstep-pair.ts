import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Effect } from '../../machines/index.js';
import { QEMU_7_2, QEMU_11_0 } from '../../machines/profiles.js';
import {
  attachPrimary,
  attachSecondary,
  DEFAULT_RUNTIME_OPTIONS,
  NodeRuntime,
} from '../../runtime/node/index.js';
import type { QmpBackend, QmpEvent, QmpReply, QmpServer } from '../../runtime/qmp/index.js';
import { serveQmp } from '../../runtime/qmp/index.js';
import { connectSide } from './side.js';
import type { Pair, PairOptions, PairSide, Role } from './types.js';

const genericError = (desc: string): QmpReply => ({ error: { class: 'GenericError', desc } });

/**
 * A minimal QMP backend for one runtime node, for the scenarios only: commands go to `node.qmp`, the
 * node's `qmp-event` effects become events. The few commands the machines leave to the server are
 * answered here: query-migrate (the status only), migrate-set-parameters and query-migrate-parameters
 * (stored; lockstep does not throttle). Every event is forwarded: the scenarios always turn the `events`
 * capability on, so QEMU's gating of MIGRATION on it does not matter here.
 * @internal
 */
export function scenarioBackend(node: NodeRuntime): QmpBackend {
  const listeners = new Set<(event: QmpEvent) => void>();
  const parameters: Record<string, unknown> = {};
  node.on('effect', (effect: Effect) => {
    if (effect.kind !== 'qmp-event') return;
    for (const listener of listeners) listener({ event: effect.event, data: effect.data });
  });
  const status = () =>
    String((node.options.role === 'primary' ? node.state.source : node.state.incoming).value);
  return {
    async execute(command, args, { oob }) {
      if (node.killed) return genericError(`the ${node.options.role} node has stopped`);
      if (command === 'query-migrate') return { return: status() === 'none' ? {} : { status: status() } };
      if (command === 'migrate-set-parameters') {
        Object.assign(parameters, args ?? {});
        return { return: {} };
      }
      if (command === 'query-migrate-parameters') return { return: { ...parameters } };
      try {
        return await node.qmp(command, args, oob);
      } catch (error) {
        return genericError(`${command}: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

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
      servers[role] = await serveQmp(scenarioBackend(nodes[role]), { path }, { version });
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
      // both at once, as kill -9 of two processes: neither may see the other go and react in its log
      for (const node of Object.values(nodes)) if (!node.killed) node.kill();
      for (const role of ['primary', 'secondary'] as const) {
        await stop(role);
        await sides[role]!.qmp.close().catch(() => {});
        await nodes[role].close();
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
