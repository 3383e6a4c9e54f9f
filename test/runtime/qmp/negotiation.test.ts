import { describe, expect, it } from 'vitest';
import { connect, startServer } from './support/client.js';

const expecting = {
  error: { class: 'CommandNotFound', desc: "Expecting capabilities negotiation with 'qmp_capabilities'" },
};

describe('capabilities negotiation', () => {
  it('refuses every other command before qmp_capabilities, known or not, without calling the backend', async () => {
    const { server, backend } = await startServer();
    const client = await connect(server, false);
    expect(await client.call({ execute: 'query-status' })).toEqual(expecting);
    expect(await client.call({ execute: 'no-such-thing', id: 7 })).toEqual({ ...expecting, id: 7 });
    expect(backend.calls).toEqual([]);
  });

  it('rejects exec-oob while negotiating, since oob is not enabled yet', async () => {
    const { server } = await startServer();
    const client = await connect(server, false);
    expect(await client.call({ 'exec-oob': 'qmp_capabilities', id: 1 })).toEqual({
      error: { class: 'GenericError', desc: "QMP input member 'exec-oob' is unexpected" },
      id: 1,
    });
  });

  it('rejects an unknown capability and bad arguments with GenericError, and stays in negotiation', async () => {
    const { server } = await startServer();
    const client = await connect(server, false);
    expect(
      await client.call({ execute: 'qmp_capabilities', arguments: { enable: ['oob', 'warp'] } }),
    ).toEqual({
      error: { class: 'GenericError', desc: "Parameter 'enable[1]' does not accept value 'warp'" },
    });
    expect(await client.call({ execute: 'qmp_capabilities', arguments: { enable: 'oob' } })).toMatchObject({
      error: { class: 'GenericError' },
    });
    expect(await client.call({ execute: 'qmp_capabilities', arguments: { x: 1 } })).toEqual({
      error: { class: 'GenericError', desc: "Parameter 'x' is unexpected" },
    });
    expect(await client.call({ execute: 'query-status' })).toEqual(expecting);
  });

  it('enters command mode; a second qmp_capabilities is CommandNotFound', async () => {
    const { server } = await startServer();
    const client = await connect(server, false);
    expect(await client.call({ execute: 'qmp_capabilities', arguments: { enable: ['oob'] } })).toEqual({
      return: {},
    });
    expect(await client.call({ execute: 'query-status' })).toEqual({
      return: { status: 'running', running: true },
    });
    expect(await client.call({ execute: 'qmp_capabilities' })).toEqual({
      error: {
        class: 'CommandNotFound',
        desc: 'Capabilities negotiation is already complete, command ignored',
      },
    });
  });

  it('negotiates per connection', async () => {
    const { server } = await startServer('tcp');
    await connect(server, 'plain');
    const other = await connect(server, false);
    expect(await other.call({ execute: 'query-status' })).toEqual(expecting);
  });
});
