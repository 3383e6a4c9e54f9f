import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { QEMU_11_0 } from '../../machines/index.js';
import { nodeKey } from '../../model/compile/index.js';
import { startPair } from '../../runtime/demo/run-demo.js';
import { waitFor } from '../../runtime/demo/wait.js';
import { readLog } from '../../runtime/log/index.js';
import { foldNodeLog } from '../../runtime/node/index.js';
import { captureIo } from '../cli/io.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('a long run logs in segments and keeps only the newest', () => {
  it.each([0, 2])(
    'the kept segments fold to exactly what the live node reported (multifd %i)',
    async (multifd) => {
      const dir = await mkdtemp(join(tmpdir(), 'lockstep-segments-'));
      dirs.push(dir);
      const { primary, secondary, logs } = await startPair({
        profile: QEMU_11_0,
        ram: '16M',
        multifd,
        checkpoints: 0,
        failover: 'none',
        logDir: dir,
        checkpointDelayMs: 20,
        logSegments: { bytes: 8 << 10, keep: 3 },
      });
      await waitFor(primary, '12 checkpoints', () => primary.state.checkpoints >= 12);
      primary.kill();
      secondary.kill();
      await Promise.all([primary.close(), secondary.close()]);
      const files = (await readdir(dir)).sort();
      for (const [role, node] of [
        ['primary', primary],
        ['secondary', secondary],
      ] as const) {
        const mine = files.filter((f) => f.startsWith(`${role}.`));
        expect(mine.length).toBeLessThanOrEqual(3);
        expect(mine).not.toContain(`${role}.jsonl`); // the first segment was removed: the fold starts at a snapshot
        const folded = await foldNodeLog(logs[role]);
        expect(folded.from).toBe('snapshot');
        expect(folded.segments.map((f) => f.slice(dir.length + 1))).toEqual(mine);
        expect(nodeKey(folded.state)).toBe(nodeKey(node.state));
        expect(folded.stats).toEqual(node.stats);
        expect(folded.timeline).toEqual(node.timeline);
        // one sequence across the segments kept
        const seqs = (await Promise.all(folded.segments.map((f) => readLog(f, { continues: true })))).flatMap(
          (r) => r.events.map((e) => e.seq),
        );
        expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
      }
      const io = captureIo();
      expect(await main(['log', 'replay', logs.primary, '--json'], io)).toBe(0);
      const replay = JSON.parse(io.out());
      expect(replay.from).toBe('snapshot');
      expect(replay.final.checkpoints).toBe(primary.state.checkpoints);
    },
  );
});
