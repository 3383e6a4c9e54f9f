import { readFile, writeFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../../runtime/errors.js';
import { EventLog, readLog } from '../../../runtime/log/index.js';
import { encodeRecord } from '../../../runtime/log/record.js';
import { tempLog } from './tmp.js';

const line = (seq: number, data: unknown = null) => encodeRecord({ seq, ts: 0, type: 't', data });

async function errorOf(text: string | Buffer) {
  const path = await tempLog();
  await writeFile(path, text);
  try {
    await readLog(path);
    return { code: 'none', path, message: '', details: {} };
  } catch (e) {
    if (!(e instanceof LockstepError)) throw e;
    return { code: e.code, path, message: e.message, details: e.details };
  }
}

describe('readLog errors', () => {
  it('a cut line that is not the last is log-corrupt-line naming file, line and byte offset', async () => {
    const r = await errorOf(`${line(1)}{"seq":2,"ts"\n${line(3)}`);
    expect(r.code).toBe('log-corrupt-line');
    expect(r.details).toMatchObject({ path: r.path, line: 2, offset: line(1).length });
    expect(r.message).toContain(`${r.path} line 2 at byte ${line(1).length}`);
  });

  it('a complete last line that fails its checksum is corruption, not a torn tail', async () => {
    const edited = line(2, { checkpoints: 5 }).replace('5', '4');
    const r = await errorOf(`${line(1)}${edited}`);
    expect(r.code).toBe('log-corrupt-line');
    expect(r.message).toMatch(/line 2 .*checksum [0-9a-f]{8} where the record says [0-9a-f]{8}/);
  });

  it('any single byte changed in a record is found on its line (property)', async () => {
    const path = await tempLog();
    const log = await EventLog.create(path, { clock: () => 7 });
    for (let i = 0; i < 6; i++) log.append({ type: 'qmp', data: { n: i, text: 'é'.repeat(i) } });
    await log.close();
    const good = await readFile(path);
    const ends: number[] = [];
    for (let i = good.indexOf(10); i >= 0; i = good.indexOf(10, i + 1)) ends.push(i);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: good.byteLength - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (at, flip) => {
          fc.pre(!ends.includes(at)); // a changed newline splits or joins lines and so moves every line number after it
          const bad = Buffer.from(good);
          bad[at] = (bad[at]! ^ flip) & 0xff;
          fc.pre(bad[at] !== 10);
          const r = await errorOf(bad);
          const lineOf = ends.filter((e) => e < at).length + 1;
          expect(r.code === 'log-corrupt-line' || r.code === 'log-sequence-gap').toBe(true);
          expect(r.details).toMatchObject({ line: lineOf });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a line without the len/crc trailer is not a lockstep record', async () => {
    const r = await errorOf(`${JSON.stringify({ seq: 1, ts: 0, type: 't', data: null })}\n`);
    expect(r.code).toBe('log-corrupt-line');
    expect(r.message).toContain('no "len" and "crc" trailer');
  });

  it('a line of valid JSON with a good checksum that is not an event is corrupt too', async () => {
    const body = JSON.stringify({ seq: 1 });
    const { crc32 } = await import('node:zlib');
    const record = `${body.slice(0, -1)},"len":${body.length},"crc":"${crc32(body).toString(16).padStart(8, '0')}"}\n`;
    const r = await errorOf(record);
    expect(r.code).toBe('log-corrupt-line');
    expect(r.message).toContain('ts is not a number');
  });

  it('a missing or repeated seq is log-sequence-gap', async () => {
    const gap = await errorOf(`${line(1)}${line(3)}`);
    expect(gap.code).toBe('log-sequence-gap');
    expect(gap.details).toMatchObject({ line: 2, expected: 2, actual: 3 });
    expect((await errorOf(`${line(1)}${line(1)}`)).code).toBe('log-sequence-gap');
    expect((await errorOf(line(2))).code).toBe('log-sequence-gap');
  });

  it('an empty file is an empty log', async () => {
    const path = await tempLog();
    await writeFile(path, '');
    expect(await readLog(path)).toEqual({ events: [], torn: null });
  });
});
