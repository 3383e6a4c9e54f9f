import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
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
