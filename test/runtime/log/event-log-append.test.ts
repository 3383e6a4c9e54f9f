import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { EventLog, readLog } from '../../../runtime/log/index.js';
import { tempLog } from './tmp.js';

describe('EventLog append', () => {
  it('numbers events from 1, writes one JSON line each, and reads them back', async () => {
    const path = await tempLog();
    let t = 100;
    const log = await EventLog.create(path, { clock: () => t++ });
    const a = log.append({ type: 'qmp', data: { execute: 'migrate' } });
    const b = log.append({ type: 'peer', data: { message: 'checkpoint-request', digest: 'ab12' } });
    expect([a.seq, b.seq, a.ts, b.ts]).toEqual([1, 2, 100, 101]);
    await log.sync();
    expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(3);
    log.append({ type: 'timer', data: null });
    await log.close();
    const { events, torn } = await readLog(path);
    expect(torn).toBeNull();
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'qmp'],
      [2, 'peer'],
      [3, 'timer'],
    ]);
    expect(events[1]!.data).toEqual({ message: 'checkpoint-request', digest: 'ab12' });
  });

  it('batches appends until sync, and writes early past the high-water mark in order', async () => {
    const path = await tempLog();
    const log = await EventLog.create(path, { highWaterMark: 200 });
    log.append({ type: 'a', data: 1 });
    expect(await readFile(path, 'utf8')).toBe('');
    for (let i = 0; i < 500; i++) log.append({ type: 'b', data: i });
    await log.sync();
    const { events } = await readLog(path);
    expect(events).toHaveLength(501);
    expect(events.at(-1)!.data).toBe(499);
    await log.close();
  });
});
