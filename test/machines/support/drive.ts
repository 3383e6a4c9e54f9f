import fc from 'fast-check';
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { initialTransition, transition } from 'xstate';

/** One action as the tests read it: `send:checkpoint-request`, `colo-exit:error`, or the action type. */
export interface ActionLike {
  readonly type: string;
  readonly params?: unknown;
}

/** `send` actions read as `send:<message>`, `colo-exit` as `colo-exit:<reason>`, others by type. */
export function describeAction(action: ActionLike): string {
  const params = (action.params ?? {}) as { message?: string; reason?: string; expected?: string };
  if (action.type === 'send') return `send:${params.message}`;
  if (action.type === 'colo-exit') return `colo-exit:${params.reason}`;
  return action.type;
}

/** A step taken on a machine: the state before, the event, the state after and the actions. */
export interface Step {
  readonly before: AnyMachineSnapshot;
  readonly event: EventObject;
  readonly after: AnyMachineSnapshot;
  readonly actions: string[];
  /** Whether a transition was selected (the event was not ignored). */
  readonly taken: boolean;
}

/**
 * How one event is picked: `any` event of the alphabet, one some transition accepts (`enabled`), or an
 * enabled one whose next state the run's `avoid` predicate does not reject (`onward`, falling back to
 * `enabled` when every enabled event is avoided).
 */
export interface Pick {
  readonly mode: 'any' | 'enabled' | 'onward';
  readonly index: number;
}

/** Random pick sequences of maxLength/2 to maxLength picks: one pick in ten from the whole alphabet, one enabled, the rest onward. */
export const picks = (maxLength = 80) =>
  fc.array(
    fc.record({
      mode: fc.nat(9).map((n): Pick['mode'] => (n === 0 ? 'any' : n === 1 ? 'enabled' : 'onward')),
      index: fc.nat(),
    }),
    { minLength: Math.floor(maxLength / 2), maxLength },
  );

/**
 * Runs a pick sequence on a machine with the pure transition(): at each step the event is drawn from
 * the alphabet, or from its events that a transition accepts in the current state.
 */
export function run(
  machine: AnyStateMachine,
  alphabet: readonly EventObject[],
  sequence: readonly Pick[],
  avoid: (next: AnyMachineSnapshot) => boolean = () => false,
): Step[] {
  let [snapshot] = initialTransition(machine);
  const steps: Step[] = [];
  for (const { mode, index } of sequence) {
    if (snapshot.status !== 'active') break;
    const current = snapshot;
    const enabled = alphabet.filter((e) => machine.getTransitionData(current, e).length > 0);
    const onward = mode === 'onward' ? enabled.filter((e) => !avoid(transition(machine, current, e)[0])) : [];
    const pool = onward.length > 0 ? onward : mode !== 'any' && enabled.length > 0 ? enabled : alphabet;
    const event = pool[index % pool.length]!;
    const taken = machine.getTransitionData(snapshot, event).length > 0;
    const [after, actions] = transition(machine, snapshot, event);
    steps.push({ before: snapshot, event, after, actions: actions.map(describeAction), taken });
    snapshot = after;
  }
  return steps;
}

/** The value of a flat machine's snapshot. */
export const statusOf = (snapshot: AnyMachineSnapshot): string => String(snapshot.value);
