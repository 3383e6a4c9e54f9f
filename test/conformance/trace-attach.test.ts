import { afterEach, describe, expect, it } from 'vitest';
import { QmpClient } from '../../conformance/qmp/index.js';
import { attachTrace, type TraceItem } from '../../conformance/trace/index.js';
import { QEMU_7_2 } from '../../machines/profiles.js';
import { FakeQmpServer } from './support/fake-qmp-server.js';

let server: FakeQmpServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function take(
  items: AsyncIterableIterator<TraceItem>,
  want: (item: TraceItem) => boolean,
): Promise<TraceItem> {
  for await (const item of items) if (want(item)) return item;
  throw new Error('the item stream ended');
}

describe('attachTrace: the checker, live on a client', () => {
  it('reports statuses and violations as the events arrive', async () => {
    server = await FakeQmpServer.start({ handlers: { migrate: () => ({ return: {} }) } });
    const qmp = await QmpClient.connect({ path: server.path });
    const seen: TraceItem[] = [];
    const live = await attachTrace(qmp, {
      side: 'source',
      profile: QEMU_7_2,
      onItem: (item) => seen.push(item),
    });
    await qmp.execute('migrate', { uri: 'tcp:127.0.0.1:1' });
    server.emit('MIGRATION', { status: 'setup' });
    server.emit('MIGRATION', { status: 'active' });
    server.emit('MIGRATION', { status: 'colo' });
    const violation = await take(live.items, (item) => item.type === 'violation');
    expect(violation).toMatchObject({
      violation: { from: 'active', to: 'colo', why: 'colo requires x-colo; capabilities: x-colo=false' },
    });
    const report = live.stop();
    expect(report.verdict).toBe('violates');
    expect(report.statuses.map((s) => s.to)).toEqual(['setup', 'active', 'colo']);
    expect(seen.filter((item) => item.type === 'status')).toHaveLength(3);
    await qmp.close();
  });

  it('reports a wedged QEMU while the caller still waits for its command', async () => {
    server = await FakeQmpServer.start({ handlers: { 'query-yank': () => ({ return: [] }) } });
    const qmp = await QmpClient.connect({ path: server.path });
    const live = await attachTrace(qmp, { side: 'source', profile: QEMU_7_2, wedgedAfterMs: 100 });
    server.emit('STOP');
    server.hang();
    const waiting = qmp.execute('query-status', undefined, { timeoutMs: 3000 }).catch((e: unknown) => e);
    const wedged = await take(live.items, (item) => item.type === 'finding');
    expect(wedged).toMatchObject({ finding: { kind: 'wedged' } });
    expect((await waiting) as Error).toMatchObject({ name: 'QmpTimeoutError', hung: true });
    live.stop();
    await qmp.close();
  });

  it('ends the item stream when the connection closes', async () => {
    server = await FakeQmpServer.start();
    const qmp = await QmpClient.connect({ path: server.path });
    const live = await attachTrace(qmp, { side: 'incoming', profile: QEMU_7_2 });
    await server.stop();
    server = undefined;
    expect(await live.items.next()).toEqual({ value: undefined, done: true });
  });
});
