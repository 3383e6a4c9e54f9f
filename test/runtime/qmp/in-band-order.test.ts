import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connect, startServer } from './support/client.js';

describe('in-band commands', () => {
  it('run one at a time and reply in arrival order, whatever each takes', async () => {
    const { server, backend } = await startServer();
    const client = await connect(server, 'oob');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 12 }),
        async (delays) => {
          backend.calls.length = 0;
          client.write(
            delays.map((ms, id) => JSON.stringify({ execute: 'sleep', arguments: { ms }, id })).join(''),
          );
          const replies = await client.take(delays.length);
          expect(replies).toEqual(delays.map((ms, id) => ({ return: { slept: ms }, id })));
          expect(backend.calls.map((c) => c.args)).toEqual(delays.map((ms) => ({ ms })));
        },
      ),
      { numRuns: 15 },
    );
  });

  it('do not start the next command before the previous one finished', async () => {
    const { server, backend } = await startServer();
    const client = await connect(server);
    client.write('{"execute": "hang", "id": 1}{"execute": "query-status", "id": 2}');
    await new Promise((r) => setTimeout(r, 50));
    expect(backend.calls.map((c) => c.command)).toEqual(['hang']);
    backend.release();
    expect(await client.take(2)).toEqual([
      { return: { released: true }, id: 1 },
      { return: { status: 'running', running: true }, id: 2 },
    ]);
  });

  it('queue parse errors in order with the commands around them', async () => {
    const { server } = await startServer();
    const client = await connect(server);
    client.write(
      '{"execute": "sleep", "arguments": {"ms": 30}, "id": 1} {bad} {"execute": "query-status", "id": 3}',
    );
    const [a, b, c] = (await client.take(3)) as Record<string, unknown>[];
    expect(a).toEqual({ return: { slept: 30 }, id: 1 });
    expect(b).toMatchObject({ error: { class: 'GenericError' } });
    expect(c).toMatchObject({ id: 3 });
  });
});
