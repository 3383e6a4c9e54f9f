import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonSplitter } from '../../../runtime/qmp/json-splitter.js';
import { connect, startServer } from './support/client.js';

const command = fc.record({
  execute: fc.constantFrom('echo', 'query-status', 'nope'),
  arguments: fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 4 }), fc.jsonValue({ maxDepth: 2 })),
  id: fc.nat(),
});
const separator = fc.constantFrom('', ' ', '\n', '\r\n', '\t  ');

/** Cuts `bytes` at the given positions. */
const cut = (bytes: Buffer, at: number[]): Buffer[] => {
  const points = [...new Set(at.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  return [0, ...points].map((p, i) => bytes.subarray(p, points[i] ?? bytes.length));
};

describe('chunked input', () => {
  it('splitter: any split of a stream of values yields the same values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(command, separator), { maxLength: 8 }),
        fc.array(fc.nat()),
        (cmds, at) => {
          const bytes = Buffer.from(cmds.map(([c, s]) => JSON.stringify(c) + s).join(' '));
          const splitter = new JsonSplitter(1 << 20);
          const items = cut(bytes, at).flatMap((chunk) => splitter.push(chunk));
          // the values as JSON carries them: -0 is written as 0, so compare with what a round trip gives
          const sent = cmds.map(([c]) => JSON.parse(JSON.stringify(c)));
          expect(items.map((i) => ('text' in i ? JSON.parse(i.text) : i))).toEqual(sent);
        },
      ),
    );
  });

  it('server: any split of a byte stream of valid commands yields the same replies', async () => {
    const { server } = await startServer();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(command, separator), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        async (cmds, at) => {
          const bytes = Buffer.from(cmds.map(([c, s]) => JSON.stringify(c) + s).join(' '));
          const whole = await connect(server);
          whole.write(bytes);
          const expected = await whole.take(cmds.length);
          const split = await connect(server);
          for (const chunk of cut(bytes, at)) {
            split.write(chunk);
            await new Promise((r) => setImmediate(r));
          }
          expect(await split.take(cmds.length)).toEqual(expected);
          whole.socket.destroy();
          split.socket.destroy();
        },
      ),
      { numRuns: 25 },
    );
  });
});
