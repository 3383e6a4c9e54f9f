import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QEMU_11_0 } from '../../machines/index.js';
import { startPair } from '../../runtime/demo/run-demo.js';
import { waitFor } from '../../runtime/demo/wait.js';
import type { LockstepError } from '../../runtime/errors.js';
import { EventLog, readLog } from '../../runtime/log/index.js';
import { foldNodeLog, type NodeRuntime } from '../../runtime/node/index.js';

// A real full disk: a 4 MiB tmpfs holds both logs, then a filler takes every byte left.
let disk: string;
beforeAll(async () => {
  disk = await mkdtemp(join(tmpdir(), 'lockstep-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', disk]);
});
afterAll(async () => {
  execFileSync('umount', [disk]);
  await rmdir(disk);
});

function fillDisk(path: string): void {
  try {
    writeFileSync(path, Buffer.alloc(8 << 20));
  } catch (e) {
    expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
  }
}

const logFailed = (node: NodeRuntime) =>
  new Promise<LockstepError>((resolve) => node.once('log-failed', resolve));

describe('a node whose log disk fills up', () => {
  it('takes no input it cannot log, answers QMP with the reason, leaves no partial record, and goes on once space is freed', async () => {
    const { primary, secondary, logs } = await startPair({
      profile: QEMU_11_0,
      ram: '16M',
      multifd: 0,
      checkpoints: 0,
      failover: 'none',
      logDir: disk,
      checkpointDelayMs: 30,
    });
    try {
      await waitFor(primary, 'a checkpoint', () => primary.stats.checkpoints.length >= 1);
      const failed = logFailed(primary);
      const filler = join(disk, 'filler');
      fillDisk(filler);
      const error = await failed;
      expect(error.code).toBe('log-write-failed');
      expect(error.message).toMatch(/ENOSPC/);
      expect(primary.logFailure).toBe(error);

      // the log on disk is whole records only, and says exactly what the node held before the failure
      const onDisk = await readLog(logs.primary);
      expect(onDisk.torn).toBeNull();
      const checkpointsBefore = primary.state.checkpoints;

      const reply = await primary.qmp('query-status');
      expect(reply).toEqual({ error: { class: 'GenericError', desc: error.message } });
      expect(primary.state.checkpoints).toBe(checkpointsBefore);
      expect(secondary.killed).toBe(false);

      const recovered = new Promise<void>((resolve) => primary.once('log-recovered', resolve));
      await rm(filler);
      await recovered;
      expect(primary.logFailure).toBeNull();
      await waitFor(
        primary,
        'two checkpoints more',
        () => primary.state.checkpoints >= checkpointsBefore + 2,
      );
      expect('return' in (await primary.qmp('query-status'))).toBe(true);
    } finally {
      primary.kill();
      secondary.kill();
      await Promise.all([primary.close(), secondary.close()]);
    }
    // nothing was lost: the whole run, failure included, folds to what the live node reported
    const folded = await foldNodeLog(logs.primary);
    expect(folded.timeline).toEqual(primary.timeline);
    expect(folded.state.checkpoints).toBe(primary.state.checkpoints);
  });
});

describe('EventLog on a full disk', () => {
  it('keeps whole records only, holds the rest, and writes them in order once there is room', async () => {
    const path = join(disk, 'unit.jsonl');
    const filler = join(disk, 'unit-filler');
    const log = await EventLog.create(path);
    log.append({ type: 'x', data: 0 });
    log.flush();
    fillDisk(filler);
    let n = 1;
    while (log.tryFlush()) log.append({ type: 'x', data: { n: n++, pad: 'p'.repeat(200) } });
    expect(log.writeFailure?.code).toBe('log-write-failed');
    expect(() => log.flush()).toThrow(/ENOSPC/);
    const before = await readLog(path);
    expect(before.torn).toBeNull();
    expect(before.events.length).toBeLessThan(n);
    await rm(filler);
    log.append({ type: 'y', data: 'after' });
    await log.close();
    const after = await readLog(path);
    expect(after.events.map((e) => e.seq)).toEqual(after.events.map((_, i) => i + 1));
    expect(after.events).toHaveLength(n + 1);
    expect(after.events.at(-1)!.type).toBe('y');
    await rm(path);
  });
});
