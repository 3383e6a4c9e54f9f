import { type NodeRole, type NodeThread, threadChannel } from '../../machines/index.js';
import type { NodeEntry } from '../compile/index.js';
import type { NodeFacts } from './node-facts.js';
import { type ColoAction, FAULT_KINDS, type FaultKind } from './state.js';

type PerRole<T> = Record<NodeRole, T>;

/**
 * Every action of one composed system, made once: `actions()` hands out these objects instead of
 * allocating a new one per state and step (the checker asks for millions).
 * @internal
 */
export class ActionSet {
  readonly deliver: PerRole<ColoAction> = {
    primary: { t: 'deliver', to: 'primary' },
    secondary: { t: 'deliver', to: 'secondary' },
  };
  readonly channelError: PerRole<ColoAction> = {
    primary: { t: 'channel-error', to: 'primary' },
    secondary: { t: 'channel-error', to: 'secondary' },
  };
  readonly trigger: ColoAction = { t: 'trigger' };
  readonly multifd: readonly ColoAction[];
  /** `multifd-0`, `multifd-1`, …: the channel threads' names, made once. */
  readonly channelThreads: readonly NodeThread[];
  readonly fault: Record<FaultKind, PerRole<ColoAction>>;
  private readonly steps: PerRole<Map<NodeThread, ColoAction>> = { primary: new Map(), secondary: new Map() };
  /** Per side, by node entry id: the steps of the threads that entry enables. */
  private readonly enabledSteps: PerRole<ColoAction[][]> = { primary: [], secondary: [] };
  private readonly channels = new Map<ColoAction, number>();

  constructor(channels: number) {
    this.channelThreads = Array.from({ length: channels }, (_, i): NodeThread => `multifd-${i}`);
    this.multifd = Array.from({ length: channels }, (_, channel) => ({ t: 'multifd', channel }) as const);
    const fault = (kind: FaultKind): PerRole<ColoAction> => ({
      primary: { t: 'fault', fault: kind, side: 'primary' },
      secondary: { t: 'fault', fault: kind, side: 'secondary' },
    });
    this.fault = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, fault(kind)])) as Record<
      FaultKind,
      PerRole<ColoAction>
    >;
  }

  /** The step of one thread of one side. */
  step(side: NodeRole, thread: NodeThread): ColoAction {
    const steps = this.steps[side];
    let action = steps.get(thread);
    if (!action) {
      action = { t: 'step', side, thread };
      steps.set(thread, action);
      if (threadChannel(thread) >= 0) this.channels.set(action, threadChannel(thread));
    }
    return action;
  }

  /** The steps of the threads a node entry enables, made once per entry. */
  stepsOf(side: NodeRole, entry: NodeEntry<NodeFacts>): readonly ColoAction[] {
    const bySide = this.enabledSteps[side];
    let steps = bySide[entry.id];
    if (!steps) {
      steps = entry.facts.threads.map((thread) => this.step(side, thread));
      bySide[entry.id] = steps;
    }
    return steps;
  }

  /** The multifd channel a step's thread serves, -1 for the COLO thread and the main loop. */
  channelOf(a: Extract<ColoAction, { t: 'step' }>): number {
    return this.channels.get(a) ?? this.channels.get(this.step(a.side, a.thread)) ?? -1;
  }
}

/** A step as traces and message sequence charts name it (`primary colo steps`, `FAULT yank secondary`). @public */
export function describeColoAction(a: ColoAction): string {
  switch (a.t) {
    case 'step':
      return `${a.side} ${a.thread} steps`;
    case 'deliver':
      return `link delivers to ${a.to}`;
    case 'channel-error':
      return `${a.to} reads a channel error`;
    case 'multifd':
      return `multifd channel ${a.channel} delivers to secondary`;
    case 'trigger':
      return 'checkpoint trigger (colo_checkpoint_event)';
    case 'fault':
      return a.fault === 'link-break' ? 'FAULT link break' : `FAULT ${a.fault} ${a.side}`;
  }
}
