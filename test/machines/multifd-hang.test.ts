import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { initialTransition, transition } from 'xstate';
import { createMultifdRecvMachine } from '../../machines/multifd-recv.js';
import { bfs, isStuck, leafPaths } from './support/explore.js';

/**
 * Reference §7, "The send thread errors during sync hang": the main thread waits in
 * multifd_send_sync_main on a channel's sem_sync that nobody will post, because that channel left
 * silently on `exiting`. The search is a BFS over the pure transition() from the initial state.
 */
const hang = (snapshot: AnyMachineSnapshot, machine: AnyStateMachine, alphabet: EventObject[]) => {
  const leaves = leafPaths(snapshot.value);
  const channels = leaves.filter((leaf) => leaf.startsWith('channel-'));
  return (
    leaves.includes('main.sync-wait-sync') &&
    channels.every((leaf) => leaf.endsWith('.exited')) &&
    isStuck('multifd-send', machine, alphabet, snapshot)
  );
};

describe('multifd send: the sync hang (reference §7)', () => {
  it('kickOnExit off, 1 channel: no deadlock (a lone channel that errors kicks main itself; terminate only runs after the sync)', () => {
    const { found } = bfs('multifd-send', { channels: 1, kickOnExit: false }, hang);
    expect(found).toBeUndefined();
  });

  for (const channels of [2, 3]) {
    it(`kickOnExit off, ${channels} channel(s): a reachable deadlock with main in sync-wait-sync and every channel exited`, () => {
      const { found } = bfs('multifd-send', { channels, kickOnExit: false }, hang);
      expect(found, 'the hang must be reachable without the fix').toBeDefined();
      const trace = found!.path.map((e) => e.type);
      console.log(`multifd-send channels=${channels} kickOnExit=off deadlock: ${trace.join(', ')}`);
      // the trace is §7's story: a sync starts, then `exiting` is set (an error or terminate) while main waits
      expect(trace[0]).toBe('sync');
      expect(trace.some((t) => t.endsWith('.write-error'))).toBe(true);
      expect(trace).not.toContain('terminate');
      const context = found!.snapshot.context as { exiting: boolean; semSync: number[]; index: number };
      expect(context.exiting).toBe(true);
      expect(context.semSync[context.index]).toBe(0);
    });
  }

  it('kickOnExit off, 2 channels, no terminate (QEMU terminates only after joining the migration thread): §7 steps 1-5', () => {
    const { found } = bfs(
      'multifd-send',
      { channels: 2, kickOnExit: false },
      hang,
      (e) => e.type !== 'terminate',
    );
    expect(found, 'the hang must be reachable through a write error alone').toBeDefined();
    const trace = found!.path.map((e) => e.type);
    console.log(`multifd-send channels=2 kickOnExit=off, no terminate, deadlock: ${trace.join(', ')}`);
    expect(trace.filter((t) => t.endsWith('.write-error')).length).toBeGreaterThan(0);
  });

  it('kickOnExit off, 1 channel, no terminate: a lone channel that errors kicks itself, so no hang', () => {
    const { found } = bfs(
      'multifd-send',
      { channels: 1, kickOnExit: false },
      hang,
      (e) => e.type !== 'terminate',
    );
    expect(found?.path.map((e) => e.type)).toBeUndefined();
  });

  for (const channels of [1, 2, 3]) {
    it(`kickOnExit on, ${channels} channel(s): no such deadlock is reachable`, () => {
      const { found, seen } = bfs('multifd-send', { channels, kickOnExit: true }, hang);
      console.log(`multifd-send channels=${channels} kickOnExit=on: ${seen} states, no sync hang`);
      expect(found?.path.map((e) => e.type)).toBeUndefined();
      expect(seen).toBeGreaterThan(100);
    });
  }
});

/**
 * Receive side: `terminate` is multifd_recv_terminate_threads(NULL) from multifd_recv_shutdown (the
 * secondary's process_incoming_migration_bh). It wakes every channel parked after a SYNC packet, but it
 * never posts recv_state.sem_sync: a multifd_recv_sync_main that waits for a SYNC a dead channel will
 * never send stays blocked (reference §7, inferred, unfixed by the 2026 series).
 */
describe('multifd recv: terminate (multifd_recv_shutdown) and the inferred recv sync hang (reference §7)', () => {
  const machine = createMultifdRecvMachine({ channels: 2 });
  const run = (events: string[]) => {
    let snapshot = initialTransition(machine)[0];
    const actions: string[] = [];
    for (const type of events) {
      const [next, done] = transition(machine, snapshot, { type } as never);
      snapshot = next;
      actions.push(...done.map((a) => a.type));
    }
    return { snapshot, actions, value: snapshot.value as Record<string, string> };
  };

  it('wakes a channel parked after its SYNC packet: it leaves through exit', () => {
    const parked = ['channel-0.step', 'channel-0.sync-packet'];
    expect(run(parked).value['channel-0']).toBe('wait-sync');
    const { value, actions, snapshot } = run([...parked, 'terminate', 'channel-0.step', 'channel-0.step']);
    // transition() returns the described actions (the assigns ran: exiting set, every p->sem_sync posted)
    expect(actions).toEqual(['multifd-recv-terminate', 'shutdown-channels']);
    expect(value['channel-0']).toBe('exit');
    expect(snapshot.context.exiting).toBe(true);
  });

  it('runs once: a second terminate (multifd_recv_cleanup after multifd_recv_shutdown) does nothing', () => {
    const once = run(['terminate']);
    const twice = run(['terminate', 'terminate']);
    expect(twice.snapshot.context).toEqual(once.snapshot.context);
    expect(twice.actions).toEqual(once.actions);
    // after a channel error already terminated, the main loop's terminate is a no-op too
    const error = ['channel-1.step', 'channel-1.read-error', 'channel-1.step'];
    expect(run(error).actions).toEqual(['multifd-recv-terminate', 'shutdown-channels']);
    const afterError = run([...error, 'terminate']);
    expect(afterError.actions).toEqual(run(error).actions);
    expect(afterError.snapshot.context).toEqual(run(error).snapshot.context);
  });

  it('never posts recv_state.sem_sync', () => {
    const { snapshot } = run(['sync', 'terminate']);
    const context = snapshot.context;
    expect(context.semSyncMain).toBe(0);
    expect(context.semSync).toEqual([1, 1]);
    expect(snapshot.can({ type: 'main.step' })).toBe(false);
  });

  /** main waits in multifd_recv_sync_main, every channel has ended, and even terminate cannot wake main. */
  const recvHang = (snapshot: AnyMachineSnapshot, m: AnyStateMachine) => {
    const leaves = leafPaths(snapshot.value);
    const after = transition(m, snapshot, { type: 'terminate' })[0];
    return (
      leaves.includes('main.sync-wait') &&
      leaves.filter((leaf) => leaf.startsWith('channel-')).every((leaf) => leaf.endsWith('.exited')) &&
      !snapshot.can({ type: 'main.step' }) &&
      !after.can({ type: 'main.step' })
    );
  };

  for (const channels of [1, 2]) {
    it(`${channels} channel(s): a channel that ends before its SYNC leaves multifd_recv_sync_main blocked for good`, () => {
      // without `terminate`: QEMU's main loop calls it only after joining the COLO thread, never while
      // that thread is inside multifd_recv_sync_main
      const { found } = bfs('multifd-recv', { channels }, recvHang, (e) => e.type !== 'terminate');
      expect(found, 'the inferred recv hang must stay reachable').toBeDefined();
      const trace = found!.path.map((e) => e.type);
      console.log(`multifd-recv channels=${channels} recv sync hang: ${trace.join(', ')}`);
      expect(trace[0]).toBe('sync');
      expect(trace.some((t) => t.endsWith('.eof') || t.endsWith('.read-error'))).toBe(true);
    });
  }
});
