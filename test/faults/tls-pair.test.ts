import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QEMU_11_0 } from '../../machines/index.js';
import { createNodeBackend } from '../../runtime/control/index.js';
import {
  attachPrimary,
  attachSecondary,
  DEFAULT_RUNTIME_OPTIONS,
  NodeRuntime,
} from '../../runtime/node/index.js';
import type { QmpBackend } from '../../runtime/qmp/index.js';
import { CLIENT_DN, makeCerts, type TestCerts } from './support/tls-certs.js';

let root: string;
let certs: TestCerts;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lockstep-tls-pair-'));
  certs = await makeCerts(root);
});
afterAll(() => rm(root, { recursive: true, force: true }));

const X_COLO = { capabilities: [{ capability: 'x-colo', state: true }] };
const run = (backend: QmpBackend, command: string, args?: Record<string, unknown>) =>
  backend.execute(command, args, { oob: false });

/** A node with its QMP backend, in-process, over loopback. */
async function node(role: 'primary' | 'secondary', dir: string) {
  const runtime = await NodeRuntime.start({
    ...DEFAULT_RUNTIME_OPTIONS,
    role,
    profile: QEMU_11_0,
    ram: '4M',
    multifd: 2,
    checkpointDelayMs: 100,
    logPath: join(dir, `${role}.jsonl`),
  });
  (role === 'primary' ? attachPrimary : attachSecondary)(runtime);
  return { runtime, qmp: createNodeBackend(runtime) };
}

/** Polls until `ready` (the runtime's own state; no sleep stands in for it beyond the poll). */
async function until(what: string, ready: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A primary whose tls-creds folder is `dir`, migrating to `port`. */
async function primaryTo(port: number, dir: string, logs: string) {
  const primary = await node('primary', logs);
  expect(
    await run(primary.qmp, 'object-add', {
      'qom-type': 'tls-creds-x509',
      id: 'tls0',
      dir,
      endpoint: 'client',
    }),
  ).toEqual({ return: {} });
  await run(primary.qmp, 'migrate-set-parameters', { 'tls-creds': 'tls0' });
  await run(primary.qmp, 'migrate-set-capabilities', X_COLO);
  await run(primary.qmp, 'cont');
  await run(primary.qmp, 'migrate', { uri: `tcp:127.0.0.1:${port}` });
  return primary;
}

describe('a COLO pair over migration TLS, configured through QMP as QEMU is', () => {
  it('refuses a primary another CA signed (logged, counted), then reaches COLO with the right one and checkpoints over TLS multifd 2', {
    timeout: 60_000,
  }, async () => {
    const logs = await mkdtemp(join(tmpdir(), 'lockstep-tls-logs-'));
    const nodes: Array<{ runtime: NodeRuntime }> = [];
    try {
      const secondary = await node('secondary', logs);
      nodes.push(secondary);
      const add = (args: Record<string, unknown>) => run(secondary.qmp, 'object-add', args);
      expect(
        await add({ 'qom-type': 'tls-creds-x509', id: 'tls0', dir: certs.server, endpoint: 'server' }),
      ).toEqual({
        return: {},
      });
      expect(await add({ 'qom-type': 'authz-simple', id: 'authz0', identity: CLIENT_DN })).toEqual({
        return: {},
      });
      // QEMU 7.2's texts, from the real one
      expect(await add({ 'qom-type': 'authz-simple', id: 'authz0', identity: 'x' })).toEqual({
        error: {
          class: 'GenericError',
          desc: "attempt to add duplicate property 'authz0' to object (type 'container')",
        },
      });
      expect(
        await add({ 'qom-type': 'tls-creds-x509', id: 'tls1', dir: '/nonexistent', endpoint: 'server' }),
      ).toEqual({
        error: {
          class: 'GenericError',
          desc: 'Unable to access credentials /nonexistent/ca-cert.pem: No such file or directory',
        },
      });
      expect(await add({ 'qom-type': 'tls-creds-x509', id: 'tls2', dir: certs.clientExpired })).toEqual({
        error: {
          class: 'GenericError',
          desc: `The client certificate ${join(certs.clientExpired, 'client-cert.pem')} has expired`,
        },
      });
      await run(secondary.qmp, 'migrate-set-parameters', { 'tls-creds': 'tls0', 'tls-authz': 'authz0' });
      expect(await run(secondary.qmp, 'query-migrate-parameters')).toMatchObject({
        return: { 'tls-creds': 'tls0', 'tls-authz': 'authz0', 'tls-hostname': '' },
      });
      await run(secondary.qmp, 'migrate-set-capabilities', X_COLO);
      const listening = once(secondary.runtime, 'listening');
      await run(secondary.qmp, 'migrate-incoming', { uri: 'tcp:127.0.0.1:0' });
      const { port } = (await listening)[0] as AddressInfo;

      const intruder = await primaryTo(port, certs.clientOtherCa, logs);
      nodes.push(intruder);
      await until('the intruder refused', () => (secondary.runtime.refusals.byCode['tls-refused'] ?? 0) >= 3);
      expect(secondary.runtime.refusals.last).toMatch(/not signed by a trusted CA/);
      expect(secondary.runtime.link).toBeUndefined();
      intruder.runtime.kill();
      await intruder.runtime.close();
      nodes.pop();

      const primaryLogs = await mkdtemp(join(tmpdir(), 'lockstep-tls-good-'));
      const primary = await primaryTo(port, certs.client, primaryLogs);
      nodes.push(primary);
      await until('three checkpoints over TLS', () => primary.runtime.state.checkpoints >= 3);
      expect(primary.runtime.link?.main.constructor.name).toBe('TLSSocket');
      expect(secondary.runtime.link?.multifd.map((s) => s.constructor.name)).toEqual([
        'TLSSocket',
        'TLSSocket',
      ]);
      expect(secondary.runtime.verified.every((v) => v.ram)).toBe(true);
      await rm(primaryLogs, { recursive: true, force: true });
    } finally {
      for (const { runtime } of nodes) {
        runtime.kill();
        await runtime.close();
      }
      await rm(logs, { recursive: true, force: true });
    }
  });
});
