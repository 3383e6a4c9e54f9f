import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QEMU_11_0 } from '../../../machines/index.js';
import { LockstepError } from '../../../runtime/errors.js';
import { segmentOf, segmentPath, segmentsOf } from '../../../runtime/log/index.js';
import { encodeRecord } from '../../../runtime/log/record.js';
import { foldNodeLog, initialFold, startLineOf } from '../../../runtime/node/index.js';
import { segmentHeader } from '../../../runtime/node/segment-header.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const config = { role: 'primary', profile: QEMU_11_0 } as const;
const start = startLineOf(config, '16M');
const timer = (seq: number) =>
  encodeRecord({ seq, ts: seq, type: 'timer', data: { input: { kind: 'timer' } } });
const header = (seq: number, segment: number, run = start) =>
  encodeRecord({ seq, ts: seq, ...segmentHeader(run, segment, initialFold(config)) });

async function logDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-seg-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return join(dir, 'p.jsonl');
}

async function codeOf(path: string): Promise<string> {
  return foldNodeLog(path).then(
    () => 'folded',
    (e: unknown) => (e instanceof LockstepError ? e.code : String(e)),
  );
}

describe('log segments', () => {
  it('name segment n beside the base and read the name back', () => {
    expect(segmentPath('/x/p.jsonl', 1)).toBe('/x/p.jsonl');
    expect(segmentPath('/x/p.jsonl', 12)).toBe('/x/p.seg-000012.jsonl');
    expect(segmentOf('/x/p.seg-000012.jsonl')).toEqual({ base: '/x/p.jsonl', n: 12 });
    expect(segmentOf('/x/p.2.jsonl')).toEqual({ base: '/x/p.2.jsonl', n: 1 });
  });

  it('are read from the oldest of the newest unbroken run of them', async () => {
    const base = await logDir({
      'p.jsonl': encodeRecord({ seq: 1, ts: 0, type: 'start', data: start }) + timer(2),
      'p.seg-000003.jsonl': header(3, 3) + timer(4),
      'p.seg-000004.jsonl': header(5, 4) + timer(6),
      'other.seg-000009.jsonl': 'not ours',
    });
    expect(segmentsOf(base).map((f) => f.slice(-18))).toEqual(['p.seg-000003.jsonl', 'p.seg-000004.jsonl']);
    const folded = await foldNodeLog(base);
    expect(folded.from).toBe('snapshot');
    expect(folded.inputs).toBe(2);
  });

  it('refuse a segment of another run, a gap in the sequence, or a torn line before a later segment', async () => {
    const other = startLineOf(config, '16M');
    expect(
      await codeOf(
        await logDir({
          'p.seg-000002.jsonl': header(3, 2) + timer(4),
          'p.seg-000003.jsonl': header(5, 3, other),
        }),
      ),
    ).toBe('log-sequence-gap');
    expect(
      await codeOf(
        await logDir({ 'p.seg-000002.jsonl': header(3, 2) + timer(4), 'p.seg-000003.jsonl': header(9, 3) }),
      ),
    ).toBe('log-sequence-gap');
    expect(
      await codeOf(
        await logDir({
          'p.seg-000002.jsonl': header(3, 2) + timer(4).slice(0, 20),
          'p.seg-000003.jsonl': header(4, 3),
        }),
      ),
    ).toBe('log-corrupt-line');
    expect(await codeOf(await logDir({ 'p.seg-000002.jsonl': timer(3) }))).toBe('log-not-node-log');
    expect(
      await codeOf(
        await logDir({ 'p.seg-000002.jsonl': header(3, 2) + timer(4), 'p.seg-000003.jsonl': header(5, 3) }),
      ),
    ).toBe('folded');
  });
});
