import { afterEach, describe, expect, it } from 'vitest';
import { QmpClient, QmpClosedError, QmpTimeoutError } from '../../conformance/qmp/index.js';
import { FakeQmpServer } from './support/fake-qmp-server.js';

let server: FakeQmpServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('QMP timeouts: a hung QEMU never hangs the caller', () => {
  it('reports hung when in-band commands time out while OOB still answers', async () => {
    server = await FakeQmpServer.start({ handlers: { 'query-yank': () => ({ return: [] }) } });
    const qmp = await QmpClient.connect({ path: server.path });
    server.hang();
    const started = Date.now();
    const error = await qmp.execute('query-status', undefined, { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(QmpTimeoutError);
    expect(error).toMatchObject({ command: 'query-status', timeoutMs: 150, hung: true });
    expect(server.received.at(-1)).toMatchObject({ 'exec-oob': 'query-yank' });
    await qmp.close();
  });

  it('reports a silent QEMU (OOB silent too) as not hung but unanswered', async () => {
    server = await FakeQmpServer.start({ handlers: { 'query-yank': () => 'ignore' } });
    const qmp = await QmpClient.connect({ path: server.path });
    server.hang();
    await expect(qmp.execute('query-status', undefined, { timeoutMs: 100 })).rejects.toMatchObject({
      name: 'QmpTimeoutError',
      hung: false,
    });
    await qmp.close();
  });

  it('cannot probe without oob: hung is null', async () => {
    server = await FakeQmpServer.start({ capabilities: [] });
    const qmp = await QmpClient.connect({ path: server.path });
    server.hang();
    await expect(qmp.execute('query-status', undefined, { timeoutMs: 100 })).rejects.toMatchObject({
      hung: null,
    });
    await qmp.close();
  });

  it('rejects waiting commands when the connection closes', async () => {
    server = await FakeQmpServer.start();
    const qmp = await QmpClient.connect({ path: server.path });
    server.hang();
    const waiting = qmp.execute('query-status', undefined, { timeoutMs: 10_000 });
    await server.stop();
    server = undefined;
    await expect(waiting).rejects.toBeInstanceOf(QmpClosedError);
  });
});
