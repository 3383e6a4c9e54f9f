import {
  applyInput,
  createNode,
  type Effect,
  enabledThreads,
  type NodeInput,
  type NodeRole,
  type NodeState,
  type Profile,
} from '../../../index.js';

type Item = { kind: 'message'; message: Effect & { kind: 'send' } } | { kind: 'ram' } | { kind: 'device' };

/**
 * Two nodes joined by in-memory FIFO channels and stepped by a deterministic scheduler: the smallest
 * harness that runs the node composition end to end without sockets (unit tests only).
 */
export class MemoryPair {
  readonly nodes: Record<NodeRole, NodeState>;
  readonly effects: Record<NodeRole, Effect[]> = { primary: [], secondary: [] };
  private readonly links: Record<NodeRole, Item[]> = { primary: [], secondary: [] };
  private readonly dead = new Set<NodeRole>();

  constructor(profile: Profile) {
    this.nodes = {
      primary: createNode({ role: 'primary', profile }),
      secondary: createNode({ role: 'secondary', profile }),
    };
  }

  apply(side: NodeRole, input: NodeInput): readonly Effect[] {
    if (this.dead.has(side)) return [];
    const { node, effects } = applyInput(this.nodes[side], input);
    this.nodes[side] = node;
    this.effects[side].push(...effects);
    const peer: NodeRole = side === 'primary' ? 'secondary' : 'primary';
    for (const effect of effects) {
      if (effect.kind === 'send') this.links[peer].push({ kind: 'message', message: effect });
      if (effect.kind === 'send-ram') {
        this.links[peer].push({ kind: 'ram' });
        this.apply(side, { kind: 'io', completion: 'ram-sent' });
      }
      if (effect.kind === 'send-device-state') this.links[peer].push({ kind: 'device' });
    }
    return effects;
  }

  qmp(side: NodeRole, command: string, args?: Record<string, unknown>): readonly Effect[] {
    return this.apply(side, { kind: 'qmp', command, ...(args ? { arguments: args } : {}), id: command });
  }

  /** Kills a side: it takes no more input, and its peer's channel breaks. */
  kill(side: NodeRole): void {
    this.dead.add(side);
    const peer: NodeRole = side === 'primary' ? 'secondary' : 'primary';
    this.links[peer].length = 0;
    this.apply(peer, { kind: 'io', completion: 'channel-error' });
  }

  /** Delivers everything in flight and steps every enabled thread until nothing moves. */
  settle(limit = 1000): number {
    let steps = 0;
    for (; steps < limit; steps++) {
      if (this.deliver()) continue;
      const side = (['primary', 'secondary'] as const).find(
        (s) => !this.dead.has(s) && enabledThreads(this.nodes[s]).length > 0,
      );
      if (!side) return steps;
      this.apply(side, { kind: 'step', thread: enabledThreads(this.nodes[side])[0]! });
    }
    throw new Error(`MemoryPair did not settle in ${limit} steps`);
  }

  private deliver(): boolean {
    for (const side of ['primary', 'secondary'] as const) {
      const item = this.links[side].shift();
      if (!item) continue;
      if (item.kind === 'message') this.apply(side, { kind: 'peer', message: item.message.message });
      else
        this.apply(side, {
          kind: 'io',
          completion: item.kind === 'ram' ? 'ram-loaded' : 'device-state-received',
        });
      return true;
    }
    return false;
  }
}
