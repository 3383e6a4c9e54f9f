import { beforeAll, describe, expect, it } from 'vitest';
import { type ReplayReport, replayFile } from '../../replay/index.js';
import { saveNamed, tempDir } from './support.js';

/**
 * docs/checker.md finding 3, every fix on: a link break loses channel 0's SYNC packet after the secondary
 * entered multifd_recv_sync_main; terminate never posts recv_state->sem_sync (31 steps).
 */
describe('replay: all fixes on, the receive-side multifd sync hang', () => {
  let report: ReplayReport;
  beforeAll(async () => {
    const dir = await tempDir();
    report = await replayFile(await saveNamed(dir, 'recvSyncHang'), { logDir: dir });
  }, 30_000);

  it('takes all 31 steps, the link break being a real reset of every socket', () => {
    expect(report.divergence).toBeUndefined();
    expect(report).toMatchObject({ matched: true, steps: 31, replayed: 31 });
  });

  it('hangs on the runtime: the secondary COLO thread waits in multifd_recv_sync_main, its channel gone', () => {
    expect(report).toMatchObject({ runtimeOutcome: 'hang', sameOutcome: true });
    const [hang] = report.findings;
    expect(hang).toMatchObject({ outcome: 'hang', side: 'secondary', step: 32 });
    expect(hang?.detail).toContain('secondary: COLO thread in receive-ram');
    expect(hang?.detail).toContain('multifd_recv_sync_main: qemu_sem_wait(&multifd_recv_state->sem_sync)');
    expect(hang?.detail).toContain('channels: 0 exited');
    // receive-ram does not hold the BQL: the secondary still answers QMP, so a failover can be asked for
    expect(hang?.detail).toContain('query-status sent to the secondary still answers (colo)');
    expect(hang?.detail).not.toContain('primary:'); // the primary is quiescent (out / wait-exit-event)
  });
});
