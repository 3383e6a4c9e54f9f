import { readFile, truncate, writeFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventLog, readLog } from '../../../runtime/log/index.js';
import { tempLog } from './tmp.js';

describe('readLog with a torn last line', () => {
  it('a log cut at any byte loads up to its last whole event and reports the torn rest', async () => {
    const path = await tempLog();
    const log = await EventLog.create(path, { clock: () => 0 });
    for (let i = 0; i < 40; i++)
      log.append({ type: i % 3 ? 'page' : 'qmp', data: { n: i, digest: 'é'.repeat(i % 5) } });
    await log.close();
    const full = await readFile(path);
    const ends: number[] = []; // byte offset just past each newline
    for (let i = full.indexOf(10); i >= 0; i = full.indexOf(10, i + 1)) ends.push(i + 1);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: full.byteLength }), async (cut) => {
        const p = await tempLog();
        await writeFile(p, full.subarray(0, cut));
        const { events, torn } = await readLog(p);
        const whole = ends.filter((e) => e <= cut).length;
        const startOfTorn = whole ? ends[whole - 1]! : 0;
        // A line cut just before its newline is still a whole event.
        const lastComplete = cut === (ends[whole] ?? -1) - 1 && cut > startOfTorn;
        expect(events).toHaveLength(whole + (lastComplete ? 1 : 0));
        expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
        if (cut === startOfTorn || lastComplete) expect(torn).toBeNull();
        else expect(torn).toEqual({ line: whole + 1, bytes: cut - startOfTorn, offset: startOfTorn });
      }),
      { numRuns: 150 },
    );
  });

  it('a whole last record that lost only its newline is kept, not torn', async () => {
    const path = await tempLog();
    const log = await EventLog.create(path);
    log.append({ type: 'x', data: 1 });
    log.append({ type: 'y', data: 2 });
    await log.close();
    await truncate(path, (await readFile(path)).byteLength - 1);
    const { events, torn } = await readLog(path);
    expect(events.map((e) => e.type)).toEqual(['x', 'y']);
    expect(torn).toBeNull();
  });
});
