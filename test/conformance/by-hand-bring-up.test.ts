import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { QmpClient } from '../../conformance/qmp/client.js';
import { QmpError } from '../../conformance/qmp/errors.js';
import type { QmpEvent } from '../../conformance/qmp/wire.js';
import { checkTrace, splitLog, TraceChecker } from '../../conformance/trace/index.js';
import { PROFILES, type ProfileName, QEMU_7_2 } from '../../machines/profiles.js';
import { fixture } from './support/fixtures.js';
import { startQmpNode } from './support/qmp-node.js';

/**
 * The COLO manual's by-hand bring-up (seeds/002, "Usage"), two processes driven over QMP only, in the
 * manual's order: the secondary starts with `-incoming` (here `listen`, migrate-incoming issued at start),
 * then gets x-colo over QMP; the primary gets x-colo, and `migrate`. The manual sets no `events`; a script
 * that wants to wait on MIGRATION events adds it to the same command, as the recorded QEMU 7.2 run did
 * (test/conformance/fixtures/by-hand-7.2-*.jsonl).
 */
const COLO_CAPABILITIES = {
  capabilities: [
    { capability: 'x-colo', state: true },
    { capability: 'events', state: true },
  ],
};
const WAIT_MS = 8000;

/** Resolves with the first event that matches, from now on; rejects after WAIT_MS (a guard, not a delay). */
function nextEvent(client: QmpClient, what: string, match: (event: QmpEvent) => boolean): Promise<QmpEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${what} within ${WAIT_MS} ms`));
    }, WAIT_MS);
    const off = client.onEvent((event) => {
      if (!match(event)) return;
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}

const migration = (status: string) => (event: QmpEvent) =>
  event.event === 'MIGRATION' && event.data?.status === status;

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {});
  cleanup = [];
});

function startSide(dir: string, role: 'primary' | 'secondary', profile: ProfileName) {
  return startQmpNode(dir, role, profile, cleanup, WAIT_MS);
}

describe('the by-hand COLO bring-up (COLO manual order, QMP only)', () => {
  for (const profile of ['qemu-7.2', 'qemu-11.0'] as const) {
    it(`${profile}: x-colo on an -incoming secondary, then migrate: COLO, a checkpoint, a failover`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'lockstep-by-hand-'));
      cleanup.push(() => rm(dir, { recursive: true, force: true }));
      const secondary = await startSide(dir, 'secondary', profile);
      const primary = await startSide(dir, 'primary', profile);
      const port = secondary.node.migrationAddress?.port;
      expect(port).toBeGreaterThan(0);

      // the secondary: already listening (QEMU's `-incoming tcp:...`), x-colo set afterwards
      expect(await secondary.qmp.execute('query-status')).toMatchObject({ status: 'inmigrate' });
      // what a checker attaching now starts from (7.2 stays none under -incoming, 11.0 is in setup)
      const before = (await secondary.qmp.execute('query-migrate')) as { status?: string };
      expect(before.status ?? 'none').toBe(profile === 'qemu-7.2' ? 'none' : 'setup');
      expect(await secondary.qmp.execute('migrate-set-capabilities', COLO_CAPABILITIES)).toEqual({});
      expect(await secondary.qmp.execute('query-migrate-capabilities')).toContainEqual({
        capability: 'x-colo',
        state: true,
      });
      // the primary
      expect(await primary.qmp.execute('migrate-set-capabilities', COLO_CAPABILITIES)).toEqual({});
      expect(await primary.qmp.execute('migrate-set-parameters', { 'x-checkpoint-delay': 100 })).toEqual({});
      const bothInColo = Promise.all([
        nextEvent(primary.qmp, 'primary colo', migration('colo')),
        nextEvent(secondary.qmp, 'secondary colo', migration('colo')),
      ]);
      expect(await primary.qmp.execute('migrate', { uri: `tcp:127.0.0.1:${port}` })).toEqual({});
      await bothInColo;
      expect(await primary.qmp.execute('query-colo-status')).toMatchObject({ mode: 'primary' });
      expect(await secondary.qmp.execute('query-colo-status')).toMatchObject({ mode: 'secondary' });

      // a checkpoint: the primary stops the VM for it and resumes after the secondary loaded it
      await nextEvent(primary.qmp, 'a checkpoint STOP', (event) => event.event === 'STOP');
      await nextEvent(primary.qmp, 'the checkpoint RESUME', (event) => event.event === 'RESUME');
      expect(primary.node.checkpoints).toBeGreaterThan(0);

      // failover: the primary dies (kill -9), the operator tells the secondary
      primary.node.kill();
      const completed = nextEvent(secondary.qmp, 'secondary completed', migration('completed'));
      await secondary.qmp.execute('x-colo-lost-heartbeat');
      await completed;
      expect(await secondary.qmp.execute('query-status')).toMatchObject({ status: 'running', running: true });
      expect(await secondary.qmp.execute('query-colo-status')).toMatchObject({
        mode: 'none',
        'last-mode': 'secondary',
        reason: 'request',
      });
      await secondary.qmp.close();

      // the secondary's recorded QMP conforms to its profile, judged from the status it reported first
      const checker = new TraceChecker({ side: 'incoming', profile: PROFILES[profile] });
      checker.startFrom({ status: before.status ?? 'none', running: false, capabilities: [] });
      for (const line of splitLog(await readFile(secondary.log, 'utf8'))) checker.push(line);
      const report = checker.finish();
      expect(report.violations).toEqual([]);
      expect(report.statuses.map((step) => step.to)).toEqual(['active', 'colo', 'completed']);
    });
  }

  it('real QEMU 7.2, same order (recorded): both logs conform, the secondary reaches colo, loads a checkpoint, fails over', () => {
    // recorded from qemu-system-x86_64 7.2.22 (Debian): secondary `-incoming tcp:127.0.0.1:PORT`, no -S
    const incoming = fixture('by-hand-7.2-incoming.jsonl');
    const report = checkTrace(incoming, {
      side: 'incoming',
      profile: QEMU_7_2,
      peer: fixture('by-hand-7.2-source.jsonl'),
    });
    expect(report.violations).toEqual([]);
    expect(report.findings).toEqual([]);
    expect(report.statuses.map((step) => step.to)).toEqual(['active', 'colo', 'completed']);
    // the checkpoint: STOP and RESUME between colo and the failover
    const events = splitLog(incoming).map((line) => (JSON.parse(line) as { event?: string }).event);
    expect(events.filter((event) => event === 'STOP').length).toBeGreaterThan(1);
    const source = checkTrace(fixture('by-hand-7.2-source.jsonl'), { side: 'source', profile: QEMU_7_2 });
    expect(source.violations).toEqual([]);
    expect(source.statuses.map((step) => step.to)).toEqual(['setup', 'active', 'colo']);
  });

  it('qemu-11.0 refuses multifd once the incoming migration started; qemu-7.2 takes it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-by-hand-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const multifd = { capabilities: [{ capability: 'multifd', state: true }] };
    const current = await startSide(join(dir), 'secondary', 'qemu-11.0');
    const refused = await current.qmp.execute('migrate-set-capabilities', multifd).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(QmpError);
    expect((refused as QmpError).desc).toBe('Multifd must be set before incoming starts');
    // refused whole: query-migrate-capabilities still says multifd is off
    expect(await current.qmp.execute('query-migrate-capabilities')).toContainEqual({
      capability: 'multifd',
      state: false,
    });
    await current.node.stop();
    const oldDir = await mkdtemp(join(tmpdir(), 'lockstep-by-hand-'));
    cleanup.push(() => rm(oldDir, { recursive: true, force: true }));
    const old = await startSide(oldDir, 'secondary', 'qemu-7.2');
    expect(await old.qmp.execute('migrate-set-capabilities', multifd)).toEqual({});
  });
});
