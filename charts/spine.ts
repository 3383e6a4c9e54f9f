import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { initialTransition, transition } from 'xstate';
import type { NodeInput, Profile } from '../machines/index.js';
import { bringUpScript } from '../machines/index.js';

/** A bring-up input as the event a single machine takes: a QMP command by its name, a milestone by its event. */
const asEvent = (input: NodeInput): EventObject | undefined => {
  if (input.kind === 'qmp') return { type: input.command, ...(input.arguments ?? {}) };
  if (input.kind === 'migration') return { type: input.event };
  return undefined;
};

const leafPath = (snapshot: AnyMachineSnapshot): string =>
  typeof snapshot.value === 'string' ? snapshot.value : JSON.stringify(snapshot.value);

/**
 * The happy path of a machine: the states it goes through when one side of a pair is brought up to COLO
 * by the machines' own bring-up script (machines/node/bring-up-script.ts), fed to this machine alone.
 * A machine the script does not move (the COLO threads, multifd, failover) has a path of its initial state
 * only. The charts draw this path straight, first to last; no list of states is kept here.
 * @example happyPath(createMigrationSourceMachine(PROFILES['qemu-11.0']), PROFILES['qemu-11.0']) // none, setup, active, device, colo
 * @public
 */
export function happyPath(machine: AnyStateMachine, profile: Profile): string[] {
  let best: string[] = [];
  for (const role of ['primary', 'secondary'] as const) {
    let [snapshot] = initialTransition(machine);
    const path = [leafPath(snapshot)];
    for (const [side, input] of bringUpScript(profile, 'tcp:127.0.0.1:0')) {
      const event = side === role ? asEvent(input) : undefined;
      if (!event) continue;
      [snapshot] = transition(machine, snapshot, event);
      const now = leafPath(snapshot);
      if (now !== path.at(-1)) path.push(now);
    }
    if (path.length > best.length) best = path;
  }
  return best;
}
