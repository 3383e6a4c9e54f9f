import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { splitLog } from '../../conformance/trace/index.js';
import { PROFILES, type ProfileName } from '../../machines/index.js';
import { createNodeBackend } from '../../runtime/control/index.js';
import { attachSecondary, DEFAULT_RUNTIME_OPTIONS, NodeRuntime } from '../../runtime/node/index.js';
import { MAIN_HELLO } from '../../runtime/node/link.js';
import type { QmpEvent } from '../../runtime/qmp/index.js';
import { fixture } from './support/fixtures.js';

/**
 * A failed incoming migration, QEMU 7.2 against lockstep: the MIGRATION events and the reply. The QEMU
 * side is recorded (test/conformance/fixtures/incoming-*-7.2.jsonl, `-incoming defer`, `events` on).
 */
type Wire = { event?: string; data?: { status?: string }; error?: { class: string; desc: string } };
const wire = (name: string) => splitLog(fixture(name)).map((line) => JSON.parse(line) as Wire);
const statuses = (messages: readonly Wire[]) =>
  messages.filter((m) => m.event === 'MIGRATION').map((m) => m.data?.status);

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {});
  cleanup = [];
});

/** A secondary behind its QMP backend, with every event the backend sends; `events` on as in the fixtures. */
async function secondary(profile: ProfileName) {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-incoming-errors-'));
  const node = await NodeRuntime.start({
    ...DEFAULT_RUNTIME_OPTIONS,
    role: 'secondary',
    profile: PROFILES[profile],
    ram: '1M',
    logPath: join(dir, 'secondary.jsonl'),
  });
  attachSecondary(node);
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  cleanup.push(() => node.close());
  cleanup.push(async () => node.kill());
  const backend = createNodeBackend(node);
  const events: QmpEvent[] = [];
  backend.onEvent((event) => events.push(event));
  const run = (command: string, args?: Record<string, unknown>) =>
    backend.execute(command, args, { oob: false });
  await run('migrate-set-capabilities', { capabilities: [{ capability: 'events', state: true }] });
  return { node, run, events };
}

const migrationStatuses = (events: readonly QmpEvent[]) =>
  events.filter((e) => e.event === 'MIGRATION').map((e) => (e.data as { status: string }).status);

describe('a failed incoming migration: QEMU 7.2 events and statuses', () => {
  it('an unknown transport: 7.2 announces setup, then the error; the status stays none and a retry works', async () => {
    const qemu = wire('incoming-unknown-protocol-7.2.jsonl');
    const qemuError = qemu.find((m) => m.error)!.error!;
    const { node, run, events } = await secondary('qemu-7.2');
    expect(await run('migrate-incoming', { uri: 'foo:bar' })).toEqual({ error: qemuError });
    expect(migrationStatuses(events)).toEqual(statuses(qemu)); // ['setup']
    expect(String(node.state.incoming.value)).toBe('none');
    const listening = once(node, 'listening');
    expect(await run('migrate-incoming', { uri: 'tcp:127.0.0.1:0' })).toEqual({ return: {} });
    await listening;
  });

  it('qemu-11.0 parses the URI before it sets up: the same error, no event', async () => {
    const { run, events } = await secondary('qemu-11.0');
    expect(await run('migrate-incoming', { uri: 'foo:bar' })).toEqual({
      error: { class: 'GenericError', desc: 'unknown migration protocol: foo:bar' },
    });
    expect(migrationStatuses(events)).toEqual([]);
  });

  for (const [what, bytes, name] of [
    [
      'a stream that is not a migration stream',
      Buffer.from('garbage-not-a-migration-stream\n'),
      'bad-stream',
    ],
    ['a peer that closes before sending anything', Buffer.alloc(0), 'closed-peer'],
  ] as const) {
    it(`${what}: setup, active, failed, as QEMU 7.2's load fails`, async () => {
      const qemu = statuses(wire(`incoming-${name}-7.2.jsonl`));
      expect(qemu).toEqual(['setup', 'active', 'failed']);
      const { node, run, events } = await secondary('qemu-7.2');
      const listening = once(node, 'listening') as Promise<[{ port: number }]>;
      await run('migrate-incoming', { uri: 'tcp:127.0.0.1:0' });
      const [{ port }] = await listening;
      const failed = new Promise<void>((resolve) =>
        node.on('effect', () => {
          if (String(node.state.incoming.value) === 'failed') resolve();
        }),
      );
      // lockstep's channels open with a hello word (runtime/node/link.ts); what follows is the stream
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      const hello = Buffer.alloc(4);
      hello.writeUInt32BE(MAIN_HELLO);
      socket.end(Buffer.concat([hello, bytes]));
      await failed;
      expect(migrationStatuses(events)).toEqual(qemu);
      const reply = (await run('query-migrate')) as { return: { status: string } };
      expect(reply.return.status).toBe('failed');
    });
  }
});
