import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { QEMU_7_2, QEMU_11_0 } from '../../../machines/index.js';
import { LockstepError } from '../../../runtime/errors.js';
import { encodeRecord } from '../../../runtime/log/record.js';
import { foldNodeLog, startLineOf } from '../../../runtime/node/index.js';
import { EDGE_NOTES, INPUT_KINDS } from '../../../runtime/node/logged-input.js';
import { tempLog } from './tmp.js';

const start = startLineOf({ role: 'secondary', profile: QEMU_7_2, multifd: 2 }, '64M');
const record = (seq: number, type: string, data: unknown) => encodeRecord({ seq, ts: seq, type, data });
const capabilities = {
  input: {
    kind: 'qmp',
    command: 'migrate-set-capabilities',
    arguments: { capabilities: [{ capability: 'x-colo', state: true }] },
    id: 1,
  },
};

async function fold(...records: string[]) {
  const path = await tempLog();
  await writeFile(path, records.join(''));
  return { path, result: foldNodeLog(path) };
}

async function errorOf(...records: string[]) {
  const { path, result } = await fold(...records);
  const e = await result.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof LockstepError)) throw new Error(`expected a LockstepError, got ${String(e)}`);
  return { path, code: e.code, details: e.details, message: e.message };
}

describe('foldNodeLog', () => {
  it('folds from the config its start line names', async () => {
    const { result } = await fold(record(1, 'start', start), record(2, 'qmp', capabilities));
    const folded = await result;
    expect(folded.start).toEqual(start);
    expect(folded.state.config.role).toBe('secondary');
    expect(folded.state.config.multifd).toBe(2);
    expect(folded.state.incoming.context.capabilities['x-colo']).toBe(true);
    expect(folded.inputs).toBe(1);
    expect(folded.torn).toBeNull();
  });

  it('a start line of another profile folds another machine', async () => {
    const other = startLineOf({ role: 'secondary', profile: QEMU_11_0, multifd: 2 }, '64M');
    const { result } = await fold(record(1, 'start', other));
    expect((await result).state.config.profile).toBe(QEMU_11_0);
  });

  it.each([
    ['null input', { input: null }, /"input" is null, not an object/],
    ['a string input', { input: 'x' }, /"input" is "x", not an object/],
    ['an unknown kind', { input: { kind: 'teleport' } }, /input kind "teleport" is not one of qmp, /],
    [
      'a qmp input without its command',
      { input: { kind: 'qmp', id: 3 } },
      /a "qmp" input without the fields/,
    ],
    [
      'a record whose type is not its input',
      { input: { kind: 'timer' } },
      /record type "qmp" but input kind "timer"/,
    ],
  ])('refuses %s, naming the line', async (_, data, why) => {
    const e = await errorOf(
      record(1, 'start', start),
      record(2, 'qmp', capabilities),
      record(3, 'qmp', data),
    );
    expect(e.code).toBe('log-bad-input');
    expect(e.details).toMatchObject({ line: 3 });
    expect(e.message).toMatch(why);
  });

  it("skips the edge's notes (refused connections, a silent peer): they are not inputs", async () => {
    const { result } = await fold(
      record(1, 'start', start),
      record(2, 'refused', { code: 'short-hello', message: 'x' }),
      record(3, 'qmp', capabilities),
      record(4, 'peer-silence', { silent: true }),
    );
    const folded = await result;
    expect(folded.inputs).toBe(1);
    expect(folded.state.incoming.context.capabilities['x-colo']).toBe(true);
  });

  it("no edge note shares its record type with an input kind (a 'peer' note once hid every COLO message)", () => {
    const kinds = INPUT_KINDS.split(', ');
    expect(kinds).toContain('peer');
    for (const note of EDGE_NOTES) expect(kinds).not.toContain(note);
  });

  it('refuses a second run appended after the first', async () => {
    const e = await errorOf(
      record(1, 'start', start),
      record(2, 'qmp', capabilities),
      record(3, 'start', start),
    );
    expect(e.code).toBe('log-bad-input');
    expect(e.details).toMatchObject({ line: 3 });
  });

  it.each([
    ['no record at all', [], /holds no whole record/],
    ['an input first', [record(1, 'qmp', capabilities)], /a "qmp" record/],
    [
      'an unknown profile',
      [record(1, 'start', { ...start, profile: 'qemu-1.0' })],
      /profile qemu-1.0.*expected qemu-7.2, qemu-11.0/,
    ],
    [
      'an old start line',
      [record(1, 'start', { role: 'primary', profile: 'qemu-11.0' })],
      /format undefined version undefined/,
    ],
    ['multifd 17', [record(1, 'start', { ...start, multifd: 17 })], /multifd 17.*0 to 16/],
  ])('a file whose start line is wrong (%s) is log-not-node-log', async (_, records, why) => {
    const e = await errorOf(...records);
    expect(e.code).toBe('log-not-node-log');
    expect(e.message).toMatch(why);
  });
});
