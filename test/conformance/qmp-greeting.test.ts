import { afterEach, describe, expect, it } from 'vitest';
import { QmpClient, QmpProtocolError } from '../../conformance/qmp/index.js';
import { FakeQmpServer } from './support/fake-qmp-server.js';

let server: FakeQmpServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('QMP greeting and capability negotiation', () => {
  it('enables oob when the greeting offers it', async () => {
    server = await FakeQmpServer.start({ capabilities: ['oob'] });
    const qmp = await QmpClient.connect({ path: server.path });
    expect(qmp.oob).toBe(true);
    expect(qmp.greeting.QMP.capabilities).toEqual(['oob']);
    expect(server.received[0]).toMatchObject({ execute: 'qmp_capabilities', arguments: { enable: ['oob'] } });
    await qmp.close();
  });

  it('negotiates without arguments when oob is not offered, and refuses executeOob', async () => {
    server = await FakeQmpServer.start({ capabilities: [] });
    const qmp = await QmpClient.connect({ path: server.path });
    expect(qmp.oob).toBe(false);
    expect(server.received[0]).not.toHaveProperty('arguments');
    await expect(qmp.executeOob('query-yank')).rejects.toBeInstanceOf(QmpProtocolError);
    await qmp.close();
  });

  it('reports a server that never greets, within the connect timeout', async () => {
    server = await FakeQmpServer.start({ silent: true });
    const connecting = QmpClient.connect({ path: server.path }, { connectTimeoutMs: 200 });
    await expect(connecting).rejects.toThrow(/no QMP greeting within 200 ms/);
  });

  it('reports a missing socket by its path', async () => {
    await expect(QmpClient.connect({ path: '/nonexistent/qmp.sock' })).rejects.toThrow(/nonexistent/);
  });
});
