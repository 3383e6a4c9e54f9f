import {
  applyInput,
  bringUpScript,
  channelReads,
  createNode,
  type Effect,
  enabledThreads,
  inputOfItem,
  itemOfEffect,
  type NodeConfig,
  type NodeInput,
  type NodeRole,
  type NodeState,
  peerOf,
  sendCompletion,
} from '../../machines/index.js';

const STEPS = 5_000;

/**
 * Primes the machines' transition memo (and the JIT) before a node's first checkpoint; returns the
 * checkpoints the scratch pair completed (2 when the script still fits the machines). A cold checkpoint
 * runs every XState transition and `can` of the COLO and multifd machines for the first time (0.3-1.5 ms a
 * step here, ~25 ms for a first checkpoint over multifd 2, against ~4 ms warm); warm, each is a memo lookup.
 * A scratch primary and secondary with `config`'s profile, multifd and fixes go through the bring-up and
 * two checkpoints in memory: each effect moved over machines/link's links (every write succeeds, every item
 * is read as soon as its reader can), the scratch nodes' threads stepped first-enabled-first. Nothing is logged, sent or kept; the live node's states do not depend on it.
 * @internal
 */
export function warmUp(config: NodeConfig): { checkpoints: number } {
  const nodes: Record<NodeRole, NodeState> = {
    primary: createNode({ ...config, role: 'primary' }),
    secondary: createNode({ ...config, role: 'secondary' }),
  };
  const queue: Array<[NodeRole, NodeInput]> = [];
  const packets: Array<Array<'packet' | 'sync-packet'>> = Array.from(
    { length: config.multifd ?? 0 },
    () => [],
  );
  const apply = (side: NodeRole, input: NodeInput) => {
    const { node, effects } = applyInput(nodes[side], input);
    nodes[side] = node;
    for (const effect of effects) answer(side, effect);
  };
  const answer = (side: NodeRole, effect: Effect) => {
    // the edge's own answer: the dirty log cut into three packets
    if (effect.kind === 'bitmap-sync') queue.push([side, { kind: 'ram-jobs', jobs: 3 }]);
    const moved = itemOfEffect(side, effect);
    if (moved?.queue === 'multifd') packets[moved.channel]?.push(moved.item);
    else if (moved) {
      const done = sendCompletion(effect, true);
      if (done) queue.push([side, done]);
      queue.push([peerOf(side), inputOfItem(moved.item)]);
    }
  };
  /** What can move next: a queued input, a packet its receive thread reads, a thread step. */
  const next = (): [NodeRole, NodeInput] | undefined => {
    const queued = queue.shift();
    if (queued) return queued;
    const channel = packets.findIndex((held, i) => held.length > 0 && channelReads(nodes.secondary, i));
    if (channel >= 0) return ['secondary', { kind: 'multifd', channel, event: packets[channel]!.shift()! }];
    for (const side of ['primary', 'secondary'] as const) {
      const [thread] = enabledThreads(nodes[side]);
      if (thread) return [side, { kind: 'step', thread }];
    }
    return undefined;
  };
  const settle = () => {
    for (let i = 0, move = next(); move && i < STEPS; i++, move = next()) apply(...move);
  };
  for (const [side, input] of bringUpScript(config.profile, 'tcp:127.0.0.1:0')) apply(side, input);
  settle();
  for (let checkpoint = 0; checkpoint < 2; checkpoint++) {
    apply('primary', { kind: 'timer' });
    settle();
  }
  return { checkpoints: Math.min(nodes.primary.checkpoints, nodes.secondary.checkpoints) };
}

const warmed = new Set<string>();

/** {@link warmUp} once per process for each profile, multifd count and set of fixes. @internal */
export function warmUpOnce(config: NodeConfig): void {
  const key = JSON.stringify([config.profile.name, config.multifd ?? 0, config.fixes ?? {}]);
  if (warmed.has(key)) return;
  warmed.add(key);
  warmUp(config);
}
