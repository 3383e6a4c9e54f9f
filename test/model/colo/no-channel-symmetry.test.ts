import { describe, expect, it } from 'vitest';
import { type AnyMachineSnapshot, initialTransition, transition } from 'xstate';
import { createMultifdSendMachine, type MultifdSendContext } from '../../../machines/index.js';

/*
 * Why the checker reduces nothing by channel symmetry (docs/checker.md): a symmetry reduction is sound
 * only if swapping two multifd channels maps every step to a step. multifd_send_sync_main waits on the
 * channels' sem_sync in index order, so it does not: these tests fail the day the machine becomes
 * symmetric, and then the reduction is worth building.
 */
const machine = createMultifdSendMachine({ channels: 2 });
type Event = Parameters<typeof machine.transition>[1];

const run = (events: readonly string[]): AnyMachineSnapshot =>
  events.reduce<AnyMachineSnapshot>(
    (snapshot, type) => transition(machine, snapshot, { type } as Event)[0],
    initialTransition(machine)[0],
  );

/** The state with channels 0 and 1 swapped; the main thread's loop counter as `index` says. */
function mirrored(snapshot: AnyMachineSnapshot, index: (i: number) => number): AnyMachineSnapshot {
  const value = snapshot.value as Record<string, string>;
  const context = snapshot.context as MultifdSendContext;
  const swap = <T>(pair: readonly T[]) => [pair[1]!, pair[0]!];
  return machine.resolveState({
    value: { ...value, 'channel-0': value['channel-1']!, 'channel-1': value['channel-0']! },
    context: {
      ...context,
      sem: swap(context.sem),
      semSync: swap(context.semSync),
      pendingJob: swap(context.pendingJob),
      pendingSync: swap(context.pendingSync),
      index: index(context.index),
    },
  });
}

const can = (snapshot: AnyMachineSnapshot, type: string) => snapshot.can({ type } as Event);

// both channels started; a sync posted to both; channel 1 has written its SYNC packet, channel 0 not yet;
// the main thread waits on channel 0's sem_sync (the second loop of multifd_send_sync_main)
const waitingOnChannel0 = run([
  'channel-0.step',
  'channel-1.step',
  'sync',
  'main.step',
  'main.step',
  'main.step',
  'main.step',
  'channel-1.step',
  'channel-1.step',
]);

describe('multifd channels are not interchangeable', () => {
  it('reaches the state the tests start from', () => {
    expect(waitingOnChannel0.value).toMatchObject({ main: 'sync-wait-sync', 'channel-1': 'wait-sem' });
    expect(waitingOnChannel0.context).toMatchObject({ index: 0, semSync: [0, 1] });
  });

  it('reading index as the loop counter: the mirror image lets the main thread go on where it waits', () => {
    expect(can(waitingOnChannel0, 'main.step')).toBe(false);
    expect(
      can(
        mirrored(waitingOnChannel0, (i) => i),
        'main.step',
      ),
    ).toBe(true);
  });

  it('reading index as a channel: the mirror image ends the sync having waited on one channel, not two', () => {
    // let the lagging channel write its SYNC packet, then run the main thread as far as it goes
    const finish = (snapshot: AnyMachineSnapshot, channel: number): AnyMachineSnapshot => {
      let next = transition(machine, snapshot, { type: `channel-${channel}.step` } as Event)[0];
      next = transition(machine, next, { type: `channel-${channel}.step` } as Event)[0];
      while (can(next, 'main.step')) next = transition(machine, next, { type: 'main.step' } as Event)[0];
      return next;
    };
    const original = finish(waitingOnChannel0, 0);
    const mirror = finish(
      mirrored(waitingOnChannel0, (i) => 1 - i),
      1,
    );
    const leftover = (snapshot: AnyMachineSnapshot) =>
      (snapshot.context as MultifdSendContext).semSync.reduce((a, b) => a + b, 0);
    expect((original.value as Record<string, string>).main).toBe('synced');
    expect((mirror.value as Record<string, string>).main).toBe('synced');
    // the original consumed both channels' sem_sync; the mirror never waited on one of them
    expect(leftover(original)).toBe(0);
    expect(leftover(mirror)).toBe(1);
  });
});
