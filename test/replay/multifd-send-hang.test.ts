import { beforeAll, describe, expect, it } from 'vitest';
import { type ReplayReport, replayFile } from '../../replay/index.js';
import { saveNamed, tempDir } from './support.js';

/** docs/checker.md: multifd-kick-on-exit off, two channels, a yank on the primary (29 steps). */
describe('replay: multifd-kick-on-exit off (the send-side sync hang)', () => {
  let report: ReplayReport;
  beforeAll(async () => {
    const dir = await tempDir();
    report = await replayFile(await saveNamed(dir, 'sendSyncHang'), { logDir: dir });
  }, 30_000);

  it('takes every step, each leaving both nodes equal to the model', () => {
    expect(report.divergence).toBeUndefined();
    expect(report).toMatchObject({ matched: true, steps: 29, replayed: 29 });
  });

  it('hangs on the runtime: the primary main thread waits in multifd_send_sync_main holding the BQL', () => {
    expect(report).toMatchObject({ runtimeOutcome: 'hang', expectedOutcome: 'hang', sameOutcome: true });
    const [hang] = report.findings;
    expect(hang).toMatchObject({ outcome: 'hang', side: 'primary', step: 30 });
    expect(hang?.detail).toContain('COLO thread in send-ram holding the BQL');
    expect(hang?.detail).toContain('multifd_send_sync_main: qemu_sem_wait(&p->sem_sync) of channel 0');
    expect(hang?.detail).toContain('channels: 0 exited, 1 exited');
    // the wedge an operator sees: in-band QMP queues behind the BQL
    expect(hang?.detail).toContain('query-status sent to the primary now gets no reply');
  });
});
