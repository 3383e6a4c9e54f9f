import { describe, expect, it } from 'vitest';
import { type AnyMachineSnapshot, initialTransition, transition } from 'xstate';
import { createMultifdSendMachine, type MultifdSendContext } from '../../machines/index.js';

type Machine = ReturnType<typeof createMultifdSendMachine>;
type Event = Parameters<Machine['transition']>[1];

const step = (machine: Machine, snapshot: AnyMachineSnapshot, type: string) =>
  transition(machine, snapshot, { type } as Event)[0];

const pendingJobs = (snapshot: AnyMachineSnapshot) => (snapshot.context as MultifdSendContext).pendingJob;

/** Starts every channel thread, then makes `sends` multifd_send calls; returns which channel each took. */
function jobChannels(channels: number, sends: number, finishBetween: boolean): number[] {
  const machine = createMultifdSendMachine({ channels });
  let snapshot: AnyMachineSnapshot = initialTransition(machine)[0];
  for (let c = 0; c < channels; c++) snapshot = step(machine, snapshot, `channel-${c}.step`);
  const taken: number[] = [];
  for (let n = 0; n < sends; n++) {
    const before = pendingJobs(snapshot);
    snapshot = step(machine, snapshot, 'send');
    snapshot = step(machine, step(machine, snapshot, 'main.step'), 'main.step');
    const channel = pendingJobs(snapshot).findIndex((busy, c) => busy && !before[c]);
    taken.push(channel);
    // the channel thread writes the job and is free again before the next send
    if (finishBetween)
      snapshot = step(machine, step(machine, snapshot, `channel-${channel}.step`), `channel-${channel}.step`);
  }
  return taken;
}

describe('multifd_send picks channels round robin from next_channel (multifd.c:multifd_send)', () => {
  it('every channel free: consecutive sends go to 0, 1, 2, 0, 1', () => {
    expect(jobChannels(3, 5, true)).toEqual([0, 1, 2, 0, 1]);
  });

  it('channels still busy with their jobs: each send takes the next free one', () => {
    expect(jobChannels(3, 3, false)).toEqual([0, 1, 2]);
  });
});
