import { afterEach, describe, expect, it } from 'vitest';
import { QmpClient, QmpError } from '../../conformance/qmp/index.js';
import { FakeQmpServer } from './support/fake-qmp-server.js';

let server: FakeQmpServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('QMP execute: replies are matched by id', () => {
  it('resolves each command with its own reply when replies come out of order', async () => {
    server = await FakeQmpServer.start({
      handlers: {
        'query-status': () => ({ return: { status: 'paused' }, delayMs: 80 }),
        'query-migrate': () => ({ return: { status: 'active' } }),
      },
    });
    const qmp = await QmpClient.connect({ path: server.path });
    const slow = qmp.execute('query-status');
    const fast = qmp.execute('query-migrate');
    const order: string[] = [];
    void slow.then(() => order.push('query-status'));
    void fast.then(() => order.push('query-migrate'));
    expect(await slow).toEqual({ status: 'paused' });
    expect(await fast).toEqual({ status: 'active' });
    expect(order).toEqual(['query-migrate', 'query-status']);
    await qmp.close();
  });

  it('sends arguments and a unique id with every command', async () => {
    server = await FakeQmpServer.start({ handlers: { migrate: () => ({ return: {} }) } });
    const qmp = await QmpClient.connect({ path: server.path });
    await qmp.execute('migrate', { uri: 'tcp:127.0.0.1:4444' });
    const sent = server.received.at(-1)!;
    expect(sent).toMatchObject({ execute: 'migrate', arguments: { uri: 'tcp:127.0.0.1:4444' } });
    expect(sent.id).not.toBe(server.received[0]!.id);
    await qmp.close();
  });

  it('runs exec-oob commands out of band', async () => {
    server = await FakeQmpServer.start({ handlers: { yank: () => ({ return: {} }) } });
    const qmp = await QmpClient.connect({ path: server.path });
    await qmp.executeOob('yank', { instances: [{ type: 'migration' }] });
    expect(server.received.at(-1)).toMatchObject({ 'exec-oob': 'yank' });
    await qmp.close();
  });
});

describe('QMP error replies', () => {
  it('reject with the class and description QEMU sent', async () => {
    server = await FakeQmpServer.start({
      handlers: {
        'x-colo-lost-heartbeat': () => ({ error: { class: 'GenericError', desc: 'VM is not in COLO mode' } }),
      },
    });
    const qmp = await QmpClient.connect({ path: server.path });
    const error = await qmp.execute('x-colo-lost-heartbeat').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QmpError);
    expect(error).toMatchObject({
      command: 'x-colo-lost-heartbeat',
      errorClass: 'GenericError',
      desc: 'VM is not in COLO mode',
    });
    await expect(qmp.execute('no-such-command')).rejects.toMatchObject({ errorClass: 'CommandNotFound' });
    await qmp.close();
  });
});
