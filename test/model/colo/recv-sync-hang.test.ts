import { describe, expect, it } from 'vitest';
import { check, nodeOf } from './support.js';

/**
 * Reference §7 [inferred]: multifd_recv_terminate_threads posts every p->sem_sync but never
 * recv_state->sem_sync. A receive channel that dies before its SYNC packet leaves the secondary's COLO
 * thread blocked in multifd_recv_sync_main for good. No fix of the 2026 series covers it: with every fix
 * on this is a true finding about QEMU, not a model error (docs/checker.md).
 */
describe('all fixes on: the multifd receive sync hang (reference §7, unfixed)', () => {
  it('one channel, one link break: the secondary COLO thread waits in multifd_recv_sync_main forever', () => {
    const { byName, labels } = check({ multifd: 1, faultKinds: ['link-break'] });
    const deadlock = byName.get('deadlock')!;
    expect(deadlock.kind).toBe('deadlock');
    const trace = labels('deadlock')!;
    expect(trace).toHaveLength(31);
    // the secondary read MULTIFD_FLUSH (sync started) before the link broke and lost channel 0's SYNC
    expect(trace.indexOf('FAULT link break')).toBeGreaterThan(trace.indexOf('link delivers to secondary'));
    expect(trace.at(-2)).toBe('multifd channel 0 delivers to secondary'); // read error, not the SYNC
    expect(trace.at(-1)).toBe('secondary multifd-0 steps'); // error-exit: terminate, without sem_sync main
    const last = deadlock.trace!.states.at(-1)!;
    const recv = nodeOf(last, 'secondary').multifdRecv!;
    expect((recv.value as Record<string, string>).main).toBe('sync-wait');
    expect((recv.value as Record<string, string>)['channel-0']).toBe('exited');
    expect((recv.context as { exiting: boolean; semSyncMain: number }).exiting).toBe(true);
    expect((recv.context as { semSyncMain: number }).semSyncMain).toBe(0);
    expect(String(nodeOf(last, 'secondary').colo!.value)).toBe('receive-ram');
  });

  it('one channel, heartbeat only: failover wakes a receive channel parked after its SYNC (no stall)', () => {
    const { report, byName } = check({ multifd: 1, faultKinds: ['heartbeat'] });
    expect(report.complete).toBe(true);
    expect(byName.has('deadlock')).toBe(false);
    expect(byName.has('heartbeat-side-runs')).toBe(false);
  });
});
