import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connect, startServer } from './support/client.js';

const roundTrip = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

describe('id echo', () => {
  it('echoes any JSON id exactly, on success, on backend errors and on input errors', async () => {
    const { server } = await startServer();
    const client = await connect(server);
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue(),
        fc.constantFrom('query-status', 'nope', 'bad-args'),
        async (id, kind) => {
          const command =
            kind === 'bad-args' ? { execute: 'echo', arguments: [1], id } : { execute: kind, id };
          const reply = (await client.call(command)) as Record<string, unknown>;
          expect(reply.id).toEqual(roundTrip(id));
          expect('return' in reply || 'error' in reply).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('echoes odd ids: numbers, objects, arrays, null, strings with non-ASCII', async () => {
    const { server } = await startServer('tcp');
    const client = await connect(server);
    for (const id of [0, -1.5, 1e21, { a: [1, { b: null }] }, [], null, false, 'żółw 🐢', '']) {
      expect(await client.call({ execute: 'query-status', id })).toEqual({
        return: { status: 'running', running: true },
        id,
      });
    }
  });

  it('sends no id when the input had none', async () => {
    const { server } = await startServer();
    const client = await connect(server);
    expect(await client.call({ execute: 'query-status' })).not.toHaveProperty('id');
  });
});
