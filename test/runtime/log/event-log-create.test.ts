import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../../runtime/errors.js';
import { EventLog, readLog } from '../../../runtime/log/index.js';
import { tempLog } from './tmp.js';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'opened';
  } catch (e) {
    if (e instanceof LockstepError) return e.code;
    throw e;
  }
}

describe('EventLog.create: a log belongs to one run', () => {
  it('refuses a path that holds anything, and leaves that file byte for byte as it was', async () => {
    const path = await tempLog();
    await writeFile(path, 'not a log, one line\n');
    expect(await codeOf(EventLog.create(path))).toBe('log-exists');
    expect(await readFile(path, 'utf8')).toBe('not a log, one line\n');
    const own = await tempLog();
    const first = await EventLog.create(own);
    first.append({ type: 'start', data: 1 });
    await first.close();
    const before = await readFile(own);
    expect(await codeOf(EventLog.create(own))).toBe('log-exists');
    expect(await readFile(own)).toEqual(before);
  });

  it('takes an empty regular file made for it', async () => {
    const path = await tempLog();
    await writeFile(path, '');
    const log = await EventLog.create(path);
    log.append({ type: 'x', data: null });
    await log.close();
    expect((await readLog(path)).events).toHaveLength(1);
  });

  it('with next-free, starts name.2.ext, name.3.ext beside a taken name', async () => {
    const path = await tempLog('primary.jsonl');
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const log = await EventLog.create(path, { existing: 'next-free' });
      log.append({ type: 'x', data: i });
      names.push(log.path);
      await log.close();
    }
    const dir = dirname(path);
    expect(names).toEqual([path, join(dir, 'primary.2.jsonl'), join(dir, 'primary.3.jsonl')]);
    for (const [i, name] of names.entries()) expect((await readLog(name)).events[0]!.data).toBe(i);
  });

  it('names what is wrong with a path that cannot be a log', async () => {
    const path = await tempLog();
    await mkdir(path);
    expect(await codeOf(EventLog.create(path))).toBe('log-not-regular');
    expect(await codeOf(EventLog.create(join(path, 'missing', 'x.jsonl')))).toBe('log-open-failed');
    expect((await stat(path)).isDirectory()).toBe(true);
  });
});
