import {
  applyInput,
  createNode,
  type Effect,
  enabledThreads,
  type NodeInput,
  type NodeState,
  PROFILES,
} from '../../../machines/index.js';

const X_COLO = { capabilities: [{ capability: 'x-colo', state: true }] };

/**
 * A primary with `multifd` channels driven by hand into COLO and through one checkpoint: every input is
 * folded through applyInput, the peer's messages are given as they would arrive, and threads are stepped
 * first-enabled-first, as NodeRuntime's pump does. `answer` is what the edge feeds when the node asks for
 * the dirty log (`bitmap-sync`); `undefined` feeds nothing.
 */
export function primaryCheckpoint(multifd: number, answer: NodeInput | undefined) {
  let node: NodeState = createNode({ role: 'primary', profile: PROFILES['qemu-11.0'], multifd });
  const effects: Effect[] = [];
  const queue: NodeInput[] = [];
  const apply = (input: NodeInput) => {
    const applied = applyInput(node, input);
    node = applied.node;
    effects.push(...applied.effects);
    for (const effect of applied.effects) {
      if (effect.kind === 'bitmap-sync' && answer) queue.push(answer);
      if (effect.kind === 'send-ram') queue.push({ kind: 'io', completion: 'ram-sent' });
    }
  };
  /** Queued inputs first, then the first enabled thread, until nothing moves. */
  const settle = () => {
    for (let i = 0; i < 10_000; i++) {
      const next = queue.shift();
      if (next) apply(next);
      else {
        const [thread] = enabledThreads(node);
        if (!thread) return;
        apply({ kind: 'step', thread });
      }
    }
    throw new Error('the primary did not settle');
  };
  apply({ kind: 'qmp', command: 'migrate-set-capabilities', arguments: X_COLO, id: 1 });
  apply({ kind: 'qmp', command: 'cont', id: 2 });
  apply({ kind: 'qmp', command: 'migrate', arguments: { uri: 'tcp:127.0.0.1:1' }, id: 3 });
  for (const event of ['setup-done', 'switchover', 'completion-done']) apply({ kind: 'migration', event });
  apply({ kind: 'peer', message: 'checkpoint-ready' });
  settle();
  effects.length = 0;
  apply({ kind: 'timer' });
  apply({ kind: 'peer', message: 'checkpoint-reply' });
  settle();
  return { node: () => node, effects, apply, settle };
}
