import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { QmpClient } from '../../conformance/qmp/client.js';
import type { QmpEvent } from '../../conformance/qmp/wire.js';
import { checkTrace, splitLog } from '../../conformance/trace/index.js';
import { QEMU_7_2 } from '../../machines/profiles.js';
import { fixture } from './support/fixtures.js';
import { startQmpNode } from './support/qmp-node.js';

/**
 * The order of a precopy's events as QEMU 7.2 emits them (recorded runs in test/conformance/fixtures):
 * the source announces PASS 1 while still in setup (ram.c:ram_save_setup -> ram_init_bitmaps), then
 * active, more passes, STOP (a running VM), the switchover statuses, one more PASS after the stop
 * (ram.c:ram_save_complete), then completed or colo. The destination starts the VM before it reports
 * completed (migration.c:process_incoming_migration_bh).
 */
const SOURCE_ORDER =
  /^setup PASS active( PASS)*( STOP)?( pre-switchover)?( device)? PASS (completed|colo( RESUME)?)$/;
const INCOMING_ORDER = /^(setup )?active RESUME completed$/;

/** MIGRATION statuses, PASS, STOP and RESUME from the first MIGRATION on. */
function tokens(events: readonly { event?: string; data?: Record<string, unknown> }[]): string {
  const out: string[] = [];
  for (const { event, data } of events) {
    if (event === 'MIGRATION') out.push(String(data?.status));
    else if (out.length === 0) continue;
    else if (event === 'MIGRATION_PASS') out.push('PASS');
    else if (event === 'STOP' || event === 'RESUME') out.push(event);
  }
  return out.join(' ');
}

/** The pass numbers, which QEMU counts from 1 (dirty_sync_count). */
const passes = (events: readonly { event?: string; data?: Record<string, unknown> }[]) =>
  events.filter((e) => e.event === 'MIGRATION_PASS').map((e) => e.data?.pass);

const logEvents = (text: string) =>
  splitLog(text)
    .map((line) => JSON.parse(line) as { event?: string; data?: Record<string, unknown> })
    .filter((message) => message.event !== undefined);

describe('precopy event order', () => {
  it('real QEMU 7.2 (recorded): the rule holds for a running and a -S source, with and without pause-before-switchover and x-colo', () => {
    for (const name of [
      'running-precopy-7.2-source.jsonl',
      'pause-before-switchover-7.2-source.jsonl',
      'by-hand-7.2-source.jsonl',
    ]) {
      const events = logEvents(fixture(name));
      expect(tokens(events), name).toMatch(SOURCE_ORDER);
      expect(passes(events), name).toEqual(passes(events).map((_, i) => i + 1));
    }
    expect(tokens(logEvents(fixture('running-precopy-7.2-source.jsonl')))).toContain('STOP PASS completed');
    expect(tokens(logEvents(fixture('running-precopy-7.2-incoming.jsonl')))).toMatch(INCOMING_ORDER);
    // and the trace checker takes both sides of the running precopy, with no finding (RESUME while active)
    const [source, incoming] = [
      fixture('running-precopy-7.2-source.jsonl'),
      fixture('running-precopy-7.2-incoming.jsonl'),
    ];
    const report = checkTrace(incoming, { side: 'incoming', profile: QEMU_7_2, peer: source });
    expect([report.verdict, report.findings]).toEqual(['conforms', []]);
    expect(checkTrace(source, { side: 'source', profile: QEMU_7_2 }).verdict).toBe('conforms');
  });

  let cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
    cleanup = [];
  });

  for (const profile of ['qemu-7.2', 'qemu-11.0'] as const) {
    it(`lockstep ${profile}: a running primary's precopy follows the same order on both sides`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'lockstep-order-'));
      cleanup.push(() => rm(dir, { recursive: true, force: true }));
      const clients: Record<'primary' | 'secondary', QmpClient> = {} as never;
      let port = 0;
      for (const role of ['secondary', 'primary'] as const) {
        const { node, qmp } = await startQmpNode(dir, role, profile, cleanup);
        if (role === 'secondary') port = node.migrationAddress!.port;
        clients[role] = qmp;
      }
      const events = { capabilities: [{ capability: 'events', state: true }] };
      await clients.secondary.execute('migrate-set-capabilities', events);
      await clients.primary.execute('migrate-set-capabilities', events);
      await clients.primary.execute('cont');
      const done = (client: QmpClient) =>
        new Promise<void>((resolve) => {
          const off = client.onEvent((event: QmpEvent) => {
            if (event.event === 'MIGRATION' && event.data?.status === 'completed') {
              off();
              resolve();
            }
          });
        });
      const completed = Promise.all([done(clients.primary), done(clients.secondary)]);
      await clients.primary.execute('migrate', { uri: `tcp:127.0.0.1:${port}` });
      await completed;
      // the RESUME of the secondary comes before its completed: every event is in once completed is
      await clients.primary.close();
      await clients.secondary.close();
      const source = logEvents(await readFile(join(dir, 'primary.qmp.jsonl'), 'utf8'));
      const incoming = logEvents(await readFile(join(dir, 'secondary.qmp.jsonl'), 'utf8'));
      expect(tokens(source)).toMatch(SOURCE_ORDER);
      expect(tokens(source)).toMatch(
        profile === 'qemu-7.2' ? /STOP PASS completed$/ : /STOP device PASS completed$/,
      );
      expect(passes(source)).toEqual(passes(source).map((_, i) => i + 1));
      expect(tokens(incoming)).toMatch(INCOMING_ORDER);
    });
  }
});
