import { describe, expect, it } from 'vitest';
import { connect, startServer } from './support/client.js';

describe('out-of-band commands', () => {
  it('are answered while an in-band command hangs (a wedged main loop still answers yank)', async () => {
    const { server, backend } = await startServer();
    const client = await connect(server, 'oob');
    client.send({ execute: 'hang', id: 'stuck' });
    client.send({ execute: 'query-status', id: 'queued' });
    client.send({ 'exec-oob': 'yank', arguments: { instances: [] }, id: 'oob-1' });
    expect(await client.next()).toEqual({ return: {}, id: 'oob-1' });
    expect(backend.calls.at(-1)).toEqual({ command: 'yank', args: { instances: [] }, oob: true });
    backend.release();
    expect(await client.take(2)).toEqual([
      { return: { released: true }, id: 'stuck' },
      { return: { status: 'running', running: true }, id: 'queued' },
    ]);
  });

  it('need an id only by advice: exec-oob without id is answered without one', async () => {
    const { server } = await startServer();
    const client = await connect(server, 'oob');
    expect(await client.call({ 'exec-oob': 'yank' })).toEqual({ return: {} });
  });

  it('are refused for commands without allow-oob', async () => {
    const { server, backend } = await startServer();
    const client = await connect(server, 'oob');
    expect(await client.call({ 'exec-oob': 'query-status', id: 1 })).toEqual({
      error: { class: 'GenericError', desc: 'The command query-status does not support OOB' },
      id: 1,
    });
    expect(backend.calls.map((c) => c.command)).toEqual([]);
  });

  it('are refused when oob was not negotiated', async () => {
    const { server } = await startServer();
    const client = await connect(server, 'plain');
    expect(await client.call({ 'exec-oob': 'yank', id: 2 })).toEqual({
      error: { class: 'GenericError', desc: "QMP input member 'exec-oob' is unexpected" },
      id: 2,
    });
  });

  it('clash with execute in the same input', async () => {
    const { server } = await startServer();
    const client = await connect(server, 'oob');
    expect(await client.call({ execute: 'yank', 'exec-oob': 'yank' })).toEqual({
      error: { class: 'GenericError', desc: "QMP input member 'exec-oob' clashes with 'execute'" },
    });
  });
});
