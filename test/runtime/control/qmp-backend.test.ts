import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { QmpClient, QmpError, type QmpEvent } from '../../../conformance/qmp/index.js';
import { captureIo } from '../../cli/io.js';

const CAPS = {
  capabilities: [
    { capability: 'x-colo', state: true },
    { capability: 'events', state: true },
  ],
};

/** Starts `lockstep ROLE` in-process; resolves once it printed its QMP address. */
async function startNode(role: 'primary' | 'secondary', args: string[]) {
  const io = captureIo();
  const exit = main([role, ...args], io);
  await new Promise<void>((resolve, reject) => {
    void exit.then((code) => reject(new Error(`${role} exited ${code}: ${io.err()}`)));
    io.onErr((text) => {
      if (text.includes(`lockstep ${role}: QMP on `)) resolve();
    });
  });
  return { io, exit };
}

/** Resolves with the first event matching `match`, from now on. */
function nextEvent(client: QmpClient, match: (e: QmpEvent) => boolean, ms = 20_000): Promise<QmpEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for an event')), ms);
    const off = client.onEvent((event) => {
      if (!match(event)) return;
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}

const migration = (status: string) => (e: QmpEvent) =>
  e.event === 'MIGRATION' && (e.data as { status?: string } | undefined)?.status === status;

/** Temporary folders of the running test, removed after it. */
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-qmp-'));
  dirs.push(dir);
  return dir;
}

describe('QMP control of lockstep primary and secondary', () => {
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('drives a pair into COLO over QMP and fails over to the secondary after the primary quits', async () => {
    const dir = await tempDir();
    const fast = ['--ram', '16M'];
    const secondary = await startNode('secondary', [
      '--listen',
      '127.0.0.1:0',
      '--qmp',
      join(dir, 'secondary.qmp'),
      '--log',
      join(dir, 'secondary.jsonl'),
      ...fast,
    ]);
    const primary = await startNode('primary', [
      '--qmp',
      join(dir, 'primary.qmp'),
      '--checkpoint-delay',
      '40',
      ...fast,
    ]);
    const sq = await QmpClient.connect({ path: join(dir, 'secondary.qmp') });
    const pq = await QmpClient.connect({ path: join(dir, 'primary.qmp') });
    expect(sq.greeting.QMP.version).toMatchObject({ qemu: { major: 11, minor: 0, micro: 0 } });

    // unknown command: CommandNotFound, and the server keeps serving
    await expect(sq.execute('no-such-command')).rejects.toMatchObject({ errorClass: 'CommandNotFound' });
    expect(await sq.execute('query-status')).toEqual({ running: false, status: 'inmigrate' });
    await expect(sq.execute('migrate-set-parameters', { bogus: 1 })).rejects.toBeInstanceOf(QmpError);

    await sq.execute('migrate-set-capabilities', CAPS);
    await sq.execute('migrate-incoming', { uri: 'tcp:127.0.0.1:0' });
    const status = (await sq.execute('x-lockstep-status')) as { listening: { port: number } | null };
    const port = await (async () => {
      for (let i = 0; i < 100 && status.listening === null; i++) {
        await new Promise((r) => setTimeout(r, 10));
        Object.assign(status, await sq.execute('x-lockstep-status'));
      }
      return status.listening!.port;
    })();

    const secondaryColo = nextEvent(sq, migration('colo'));
    const primaryColo = nextEvent(pq, migration('colo'));
    await pq.execute('migrate-set-parameters', { 'x-checkpoint-delay': 40, 'max-bandwidth': 1 << 30 });
    expect(await pq.execute('query-migrate-parameters')).toMatchObject({
      'x-checkpoint-delay': 40,
      'max-bandwidth': 1 << 30,
    });
    await pq.execute('migrate-set-capabilities', CAPS);
    await pq.execute('cont');
    await pq.execute('migrate', { uri: `tcp:127.0.0.1:${port}` });
    await Promise.all([primaryColo, secondaryColo]);
    expect(await pq.execute('query-colo-status')).toMatchObject({ mode: 'primary' });
    expect(await sq.execute('query-colo-status')).toMatchObject({ mode: 'secondary' });
    // in colo QEMU reports the status alone (migration.c:fill_source_migration_info)
    expect(await pq.execute('query-migrate')).toEqual({ status: 'colo' });

    // let two checkpoints happen, then the primary quits (its node stops like a crash for the peer)
    for (let i = 0; i < 200; i++) {
      const s = (await pq.execute('x-lockstep-status')) as { checkpoints: number };
      if (s.checkpoints >= 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const coloExit = nextEvent(sq, (e) => e.event === 'COLO_EXIT');
    expect(await pq.execute('quit')).toEqual({});
    await pq.closed;
    expect(await primary.exit).toBe(0);
    expect(primary.io.err()).toMatch(/lockstep primary: stopping \(quit\)/);
    expect((await coloExit).data).toMatchObject({ mode: 'secondary', reason: 'error' });

    const completed = nextEvent(sq, migration('completed'));
    await sq.execute('x-colo-lost-heartbeat');
    await completed;
    for (let i = 0; i < 100; i++) {
      const s = (await sq.execute('query-status')) as { running: boolean };
      if (s.running) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await sq.execute('query-status')).toEqual({ running: true, status: 'running' });
    const s = (await sq.execute('x-lockstep-status')) as {
      verified: Array<{ ram: boolean }>;
      timeline: string[];
    };
    expect(s.verified.length).toBeGreaterThanOrEqual(2);
    expect(s.verified.every((v) => v.ram)).toBe(true);
    expect(s.timeline).toContain('status completed');

    // the log replays to the timeline the live node reports
    await sq.execute('quit');
    await sq.closed;
    expect(await secondary.exit).toBe(0);
    const replay = captureIo();
    expect(await main(['log', 'replay', '--json', join(dir, 'secondary.jsonl')], replay)).toBe(0);
    expect(JSON.parse(replay.out()).timeline).toEqual(s.timeline);
  });

  it('without the events capability there are no MIGRATION events; other events still come', async () => {
    const dir = await tempDir();
    const node = await startNode('primary', ['--qmp', join(dir, 'p.qmp'), '--ram', '16M']);
    const client = await QmpClient.connect({ path: join(dir, 'p.qmp') });
    const events: string[] = [];
    client.onEvent((e) => events.push(e.event));
    await client.execute('cont');
    await client.execute('stop');
    await client.execute('migrate-set-capabilities', {
      capabilities: [{ capability: 'events', state: true }],
    });
    const failed = nextEvent(client, migration('failed'));
    await client.execute('migrate', { uri: 'tcp:127.0.0.1:1' }); // refused: the migration fails
    await failed;
    expect(events.slice(0, 2)).toEqual(['RESUME', 'STOP']);
    expect(events).toContain('MIGRATION');
    await client.execute('quit');
    expect(await node.exit).toBe(0);
  });

  it('a bad --qmp or a missing --listen is a usage error', async () => {
    const io = captureIo();
    expect(await main(['secondary', '--qmp', '/tmp/x.qmp'], io)).toBe(2);
    expect(io.err()).toMatch(/^lockstep: secondary needs --listen HOST:PORT/);
    const io2 = captureIo();
    expect(await main(['primary'], io2)).toBe(2);
    expect(io2.err()).toMatch(/^lockstep: primary needs --qmp PATH or --qmp HOST:PORT\n$/);
  });
});
