import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../../runtime/errors.js';
import { readLog } from '../../../runtime/log/index.js';
import { tempLog } from './tmp.js';

const line = (seq: number) => JSON.stringify({ seq, ts: 0, type: 't', data: null });

async function codeOf(text: string) {
  const path = await tempLog();
  await writeFile(path, text);
  try {
    await readLog(path);
    return { code: 'none', path, message: '' };
  } catch (e) {
    if (!(e instanceof LockstepError)) throw e;
    return { code: e.code, path, message: e.message, details: e.details };
  }
}

describe('readLog errors', () => {
  it('a corrupt line that is not the last is log-corrupt-line naming file and line', async () => {
    const r = await codeOf(`${line(1)}\n{"seq":2,"ts"\n${line(3)}\n`);
    expect(r.code).toBe('log-corrupt-line');
    expect(r.details).toMatchObject({ path: r.path, line: 2 });
    expect(r.message).toContain(`${r.path} line 2`);
  });

  it('a line of valid JSON that is not an event is corrupt too', async () => {
    const r = await codeOf(`${line(1)}\n{"seq":2}\n${line(3)}\n`);
    expect(r.code).toBe('log-corrupt-line');
    expect(r.message).toContain('ts is not a number');
  });

  it('a missing or repeated seq is log-sequence-gap', async () => {
    const gap = await codeOf(`${line(1)}\n${line(3)}\n`);
    expect(gap.code).toBe('log-sequence-gap');
    expect(gap.details).toMatchObject({ line: 2, expected: 2, actual: 3 });
    expect((await codeOf(`${line(1)}\n${line(1)}\n`)).code).toBe('log-sequence-gap');
    expect((await codeOf(`${line(2)}\n`)).code).toBe('log-sequence-gap');
  });

  it('an empty file is an empty log', async () => {
    const path = await tempLog();
    await writeFile(path, '');
    expect(await readLog(path)).toEqual({ events: [], torn: null });
  });
});
