import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type EventObject,
  initialTransition,
  transition,
} from 'xstate';
import {
  ALL_FIXES,
  applyInput,
  type ColoMessage,
  createNode,
  type Effect,
  enabledThreads,
  type NodeConfig,
  type NodeFixes,
  type NodeInput,
  type NodeRole,
  type NodeState,
  PROFILES,
} from '../../machines/index.js';
import { multifdMachines, nodeMachines } from '../../machines/node/definitions.js';
import {
  MEMO_CAP,
  memoCan,
  memoTransition,
  snapshotText,
  transitionMemoSize,
  withoutTransitionMemo,
} from '../../machines/node/transition-memo.js';
import { nodeKey } from '../../model/compile/index.js';

const SNAPSHOTS = ['source', 'incoming', 'failover', 'colo', 'multifdSend', 'multifdRecv'] as const;
const X_COLO = { capabilities: [{ capability: 'x-colo', state: true }] };
const FAULTS = 2;

/**
 * Two nodes joined by in-memory links, every choice (which thread steps, which link delivers, which fault
 * strikes, when the bring-up script goes on) taken from a list of numbers: the same numbers drive the
 * same walk, so a walk with the memo and one without can be held side by side.
 */
class Pair {
  readonly nodes: Record<NodeRole, NodeState>;
  /** primary -> secondary on the main channel: messages, the RAM, the device state. */
  private readonly main: Array<ColoMessage | 'ram' | 'device'> = [];
  /** secondary -> primary on the return path. */
  private readonly back: ColoMessage[] = [];
  private readonly channels: Array<Array<'packet' | 'sync-packet'>>;
  private readonly script: Array<[NodeRole, NodeInput]>;
  private faults = FAULTS;
  /** Every input applied: the side, that node's key after it, and the effects. */
  readonly trace: Array<{ side: NodeRole; key: string; effects: readonly Effect[] }> = [];
  /** Snapshots a step changed (what the memo handed out), with the machine each belongs to. */
  readonly produced: Array<{ machine: AnyStateMachine; snapshot: AnyMachineSnapshot }> = [];

  constructor(config: Omit<NodeConfig, 'role'>) {
    const { profile } = config;
    this.nodes = {
      primary: createNode({ ...config, role: 'primary' }),
      secondary: createNode({ ...config, role: 'secondary' }),
    };
    this.channels = Array.from({ length: config.multifd ?? 0 }, () => []);
    const qmp = (command: string, args?: Record<string, unknown>): NodeInput => ({
      kind: 'qmp',
      command,
      id: command,
      ...(args ? { arguments: args } : {}),
    });
    const migration = (event: string): NodeInput => ({ kind: 'migration', event });
    this.script = [
      ['secondary', qmp('migrate-set-capabilities', X_COLO)],
      ['secondary', qmp('migrate-incoming', { uri: 'tcp:0:0' })],
      ['primary', qmp('migrate-set-capabilities', X_COLO)],
      ['primary', qmp('cont')],
      ['primary', qmp('migrate', { uri: 'tcp:0:0' })],
      ['secondary', migration('load-start')],
      ...(profile.enableColoCommand
        ? [['secondary', migration('enable-colo')] as [NodeRole, NodeInput]]
        : []),
      ['primary', migration('setup-done')],
      ...(profile.switchoverThroughDevice
        ? [['primary', migration('switchover')] as [NodeRole, NodeInput]]
        : []),
      ['primary', migration('completion-done')],
      ['secondary', migration('stream-loaded')],
    ];
  }

  /** Takes the choice'th of the moves open now; false when none is. */
  move(choice: number): boolean {
    const moves = this.moves();
    const move = moves[choice % Math.max(1, moves.length)];
    if (!move) return false;
    move();
    return true;
  }

  private moves(): Array<() => void> {
    const moves: Array<() => void> = [];
    const next = this.script[0];
    if (next) moves.push(() => this.apply(...this.script.shift()!));
    for (const side of ['primary', 'secondary'] as const)
      for (const thread of enabledThreads(this.nodes[side]))
        moves.push(() => this.apply(side, { kind: 'step', thread }));
    if (this.main.length > 0)
      moves.push(() => {
        const item = this.main.shift()!;
        if (item === 'ram') this.apply('secondary', { kind: 'io', completion: 'ram-loaded' });
        else if (item === 'device')
          this.apply('secondary', { kind: 'io', completion: 'device-state-received' });
        else this.apply('secondary', { kind: 'peer', message: item });
      });
    if (this.back.length > 0)
      moves.push(() => this.apply('primary', { kind: 'peer', message: this.back.shift()! }));
    this.channels.forEach((link, channel) => {
      if (link.length > 0)
        moves.push(() => this.apply('secondary', { kind: 'multifd', channel, event: link.shift()! }));
    });
    moves.push(() => this.apply('primary', { kind: 'timer' }));
    // faults once the bring-up script has run: spent during precopy, they would leave little to walk
    if (this.faults > 0 && this.script.length === 0) {
      const fault = (side: NodeRole, input: NodeInput) =>
        moves.push(() => {
          this.faults--;
          this.apply(side, input);
        });
      for (const side of ['primary', 'secondary'] as const) {
        fault(side, { kind: 'qmp', command: 'yank', id: 'yank', oob: true });
        fault(side, { kind: 'qmp', command: 'x-colo-lost-heartbeat', id: 'heartbeat' });
        fault(side, { kind: 'io', completion: 'channel-error' });
      }
      fault('primary', { kind: 'qmp', command: 'migrate_cancel', id: 'cancel' });
      fault('secondary', { kind: 'io', completion: 'load-error' });
      this.channels.forEach((_, channel) => {
        fault('primary', { kind: 'multifd', channel, event: 'write-error' });
        fault('secondary', { kind: 'multifd', channel, event: 'read-error' });
        fault('secondary', { kind: 'multifd', channel, event: 'eof' });
      });
    }
    return moves;
  }

  private apply(side: NodeRole, input: NodeInput): void {
    const before = this.nodes[side];
    const { node, effects } = applyInput(before, input);
    this.nodes[side] = node;
    this.trace.push({ side, key: nodeKey(node), effects });
    for (const field of SNAPSHOTS) {
      const snapshot = node[field];
      // a COLO thread that starts comes from initialTransition, not from the memo
      if (snapshot && snapshot !== before[field] && !(field === 'colo' && before.colo === null))
        this.produced.push({ machine: snapshot.machine, snapshot });
    }
    for (const effect of effects) {
      if (effect.kind === 'send') (side === 'primary' ? this.main : this.back).push(effect.message);
      else if (effect.kind === 'send-ram' && side === 'primary') {
        this.main.push('ram');
        this.apply('primary', { kind: 'io', completion: 'ram-sent' });
      } else if (effect.kind === 'send-device-state' && side === 'primary') this.main.push('device');
      else if (effect.kind === 'multifd-write')
        this.channels[effect.channel]?.push(effect.packet === 'data' ? 'packet' : 'sync-packet');
    }
  }
}

const fixes = fc.record(
  Object.fromEntries(Object.keys(ALL_FIXES).map((fix) => [fix, fc.boolean()])) as Record<
    keyof NodeFixes,
    fc.Arbitrary<boolean>
  >,
);
const config = fc.record({
  profile: fc.constantFrom(...Object.values(PROFILES)),
  multifd: fc.constantFrom(0, 1, 2),
  fixes,
});
// mostly one of the first moves (the script, a thread, a delivery: the protocol goes on), now and then any
// (the timer, a fault), so walks reach checkpoints and failovers rather than stalling on an early fault
const walk = fc.array(fc.oneof({ arbitrary: fc.nat(2), weight: 8 }, { arbitrary: fc.nat(), weight: 1 }), {
  minLength: 1,
  maxLength: 300,
  size: 'max',
});

function run(options: Omit<NodeConfig, 'role'>, choices: readonly number[]): Pair {
  const pair = new Pair(options);
  for (const choice of choices) if (!pair.move(choice)) break;
  return pair;
}

describe('the transition memo', () => {
  it('gives the node keys and effects XState gives, step by step, on random walks of a node pair', () => {
    let checkpointed = 0;
    let failedOver = 0;
    fc.assert(
      fc.property(config, walk, (options, choices) => {
        const reference = withoutTransitionMemo(() => run(options, choices));
        const memoized = run(options, choices);
        expect(memoized.trace).toEqual(reference.trace);
        const { primary, secondary } = memoized.nodes;
        if (primary.checkpoints > 0) checkpointed++;
        if (primary.lastColoMode !== 'none' || secondary.lastColoMode !== 'none') failedOver++;
      }),
      { numRuns: 150, endOnFailure: true },
    );
    // the walks reach checkpoints and failovers, not only the bring-up
    expect(checkpointed).toBeGreaterThan(20);
    expect(failedOver).toBeGreaterThan(1);
  });

  it('hands out one object for equal snapshots of a machine, whatever path reached them', () => {
    let shared = 0;
    fc.assert(
      fc.property(config, walk, (options, choices) => {
        const byText = new Map<AnyStateMachine, Map<string, AnyMachineSnapshot>>();
        const pair = run(options, choices);
        for (const { machine, snapshot } of pair.produced) {
          let seen = byText.get(machine);
          if (!seen) {
            seen = new Map();
            byText.set(machine, seen);
          }
          const text = snapshotText(snapshot);
          const first = seen.get(text);
          if (first) shared++;
          expect(first ?? snapshot).toBe(snapshot);
          seen.set(text, snapshot);
        }
      }),
      { numRuns: 100, endOnFailure: true },
    );
    // walks do come back to equal snapshots, so the check above compared something
    expect(shared).toBeGreaterThan(500);
  });

  it('returns the same checkpoint-loop snapshot after every checkpoint, where XState makes a new one each time', () => {
    const loopSnapshots = (choices: readonly number[]) => {
      const pair = run({ profile: PROFILES['qemu-11.0'] }, choices);
      return pair.produced
        .map(({ snapshot }) => snapshot)
        .filter((s) => s.machine === nodeMachines(PROFILES['qemu-11.0']).primary && s.value === 'loop');
    };
    // always the first move: the script, then threads and deliveries in order, the timer when idle
    const choices = Array.from({ length: 400 }, () => 0);
    const memoized = loopSnapshots(choices);
    expect(memoized.length).toBeGreaterThan(2);
    for (const snapshot of memoized) expect(snapshot).toBe(memoized[0]);
    const fresh = withoutTransitionMemo(() => loopSnapshots(choices));
    expect(fresh.length).toBe(memoized.length);
    expect(fresh[1]).not.toBe(fresh[0]);
  });

  it('shares only frozen results: snapshots, their contexts and the described actions', () => {
    const machine = nodeMachines(PROFILES['qemu-11.0']).primary;
    let [snapshot] = initialTransition(machine);
    const steps = [
      { type: 'message', message: 'checkpoint-ready' },
      { type: 'step', failover: 'none', migration: 'colo' },
      { type: 'checkpoint-event', migration: 'colo' },
    ].map((event) => {
      const step = memoTransition(machine, snapshot, event);
      snapshot = step.next;
      return step;
    });
    expect(steps.at(-1)?.actions).toEqual([{ type: 'send', params: { message: 'checkpoint-request' } }]);
    for (const step of steps) {
      expect(Object.isFrozen(step)).toBe(true);
      expect(Object.isFrozen(step.next)).toBe(true);
      expect(Object.isFrozen(step.next.context)).toBe(true);
      expect(Object.isFrozen(step.actions)).toBe(true);
      for (const action of step.actions) {
        expect(Object.isFrozen(action)).toBe(true);
        if (action.params !== undefined) expect(Object.isFrozen(action.params)).toBe(true);
      }
    }
    const send = multifdMachines({ role: 'primary', profile: PROFILES['qemu-11.0'], multifd: 2 }).send;
    const { next } = memoTransition(send, initialTransition(send)[0], { type: 'send' });
    expect(() => {
      (next.context as { sem: number[] }).sem[0] = 7;
    }).toThrow(TypeError);
  });

  it(`starts over past ${MEMO_CAP} entries per machine, and answers as XState after it`, () => {
    const machine = multifdMachines({ role: 'secondary', profile: PROFILES['qemu-7.2'], multifd: 1 }).recv;
    const [start] = initialTransition(machine);
    const size = () => transitionMemoSize(machine);
    const { generation } = size();
    // every event distinct (the extra field reaches no guard): one entry each, a `can` answer or a step
    let n = 0;
    const distinct = (): EventObject & { n: number } => ({ type: 'channel-0.packet', n: n++ });
    while (size().entries < MEMO_CAP - 100) memoCan(start, distinct());
    expect(size().generation).toBe(generation);
    for (let i = 0; i < 200; i++) {
      memoTransition(machine, start, distinct());
      expect(size().entries).toBeLessThanOrEqual(MEMO_CAP);
    }
    expect(size().generation).toBe(generation + 1);
    for (let i = 0; i < MEMO_CAP + 1000; i++) {
      memoCan(start, distinct());
      expect(size().entries).toBeLessThanOrEqual(MEMO_CAP);
    }
    expect(size().generation).toBe(generation + 2);
    expect(size().entries).toBeGreaterThan(100);
    expect(size().entries).toBeLessThan(MEMO_CAP / 2);
    // after the start-over, every snapshot met before is interned afresh and steps still match XState
    for (const event of [{ type: 'sync' }, { type: 'channel-0.packet' }, { type: 'terminate' }]) {
      const step = memoTransition(machine, start, event);
      const [next, actions] = transition(machine, start, event);
      expect(snapshotText(step.next)).toBe(snapshotText(next));
      expect(step.actions.map(({ type, params }) => ({ type, params }))).toEqual(
        actions.map(({ type, params }) => ({ type, params })),
      );
      expect(memoCan(start, event)).toBe(start.can(event));
    }
  });
});
