import { describe, expect, it } from 'vitest';
import { connect, startServer } from './support/client.js';

const generic = (desc: string) => ({ error: { class: 'GenericError', desc } });
const ok = { return: { status: 'running', running: true }, id: 'after' };

describe('malformed input', () => {
  it('gets a JSON parse error and the server keeps serving', async () => {
    const { server } = await startServer();
    const client = await connect(server);
    client.write('{"execute": query-status}\n');
    const reply = (await client.next()) as { error: { class: string; desc: string } };
    expect(reply.error.class).toBe('GenericError');
    expect(reply.error.desc).toMatch(/^JSON parse error, /);
    expect(await client.call({ execute: 'query-status', id: 'after' })).toEqual(ok);
  });

  it("answers non-objects and objects that are not commands with QEMU's texts", async () => {
    const { server } = await startServer();
    const client = await connect(server);
    client.write(
      '[1, 2] null 42 "str" {"id": 1} {"execute": 5} {"execute": "echo", "arguments": [1]} {"execute": "x", "foo": 1}',
    );
    expect(await client.take(8)).toEqual([
      generic('QMP input must be a JSON object'),
      generic('QMP input must be a JSON object'),
      generic('QMP input must be a JSON object'),
      generic('QMP input must be a JSON object'),
      { ...generic("QMP input lacks member 'execute'"), id: 1 },
      generic("QMP input member 'execute' must be a string"),
      generic("QMP input member 'arguments' must be an object"),
      generic("QMP input member 'foo' is unexpected"),
    ]);
    expect(await client.call({ execute: 'query-status', id: 'after' })).toEqual(ok);
  });

  it('resyncs after an unterminated string at the next control character', async () => {
    const { server } = await startServer();
    const client = await connect(server);
    client.write('{"execute": "query-status\n');
    expect(await client.next()).toEqual(generic('JSON parse error, control character in string'));
    expect(await client.call({ execute: 'query-status', id: 'after' })).toEqual(ok);
  });

  it('answers a stray closing brace and carries on', async () => {
    const { server } = await startServer();
    const client = await connect(server);
    client.write('}');
    expect(await client.next()).toMatchObject({ error: { class: 'GenericError' } });
    expect(await client.call({ execute: 'query-status', id: 'after' })).toEqual(ok);
  });

  it('answers a backend that throws with GenericError instead of dying', async () => {
    const { server } = await startServer();
    const client = await connect(server);
    expect(await client.call({ execute: 'throw', id: 1 })).toMatchObject({
      error: { class: 'GenericError' },
      id: 1,
    });
    expect(await client.call({ execute: 'query-status', id: 'after' })).toEqual(ok);
  });
});

describe('oversized input', () => {
  it('gets one error when a value passes the limit, is skipped to its end, and the next command works', async () => {
    const { server } = await startServer('unix', { maxInputBytes: 4096 });
    const client = await connect(server);
    client.write(`{"execute": "echo", "arguments": {"blob": "${'x'.repeat(100_000)}"}}`);
    expect(await client.next()).toEqual(generic('JSON parse error, input exceeds the limit of 4096 bytes'));
    expect(await client.call({ execute: 'query-status', id: 'after' })).toEqual(ok);
  });

  it('keeps memory bounded for more than 1 MiB without a closing brace', async () => {
    const { server } = await startServer();
    const client = await connect(server);
    const chunk = `{"a": ${'['.repeat(0)}"${'y'.repeat(256 * 1024)}", `;
    client.write('{"execute": "echo", "arguments": {');
    for (let i = 0; i < 6; i++) client.write(chunk.slice(1));
    expect(await client.next(5000)).toEqual(
      generic('JSON parse error, input exceeds the limit of 1048576 bytes'),
    );
    client.write('"z": 1}}');
    expect(await client.call({ execute: 'query-status', id: 'after' })).toEqual(ok);
  });

  it('rejects nesting deeper than 1024', async () => {
    const { server } = await startServer();
    const client = await connect(server);
    client.write(`${'['.repeat(2000)}${']'.repeat(2000)}`);
    expect(await client.next()).toEqual(generic('JSON parse error, nesting depth limit exceeded'));
    expect(await client.call({ execute: 'query-status', id: 'after' })).toEqual(ok);
  });
});
