import { describe, expect, it } from 'vitest';
import {
  applyInput,
  bringUpScript,
  createNode,
  enabledThreads,
  type NodeState,
  PROFILES,
} from '../../machines/index.js';
import { TraceScheduler } from '../../replay/index.js';
import { ArrivalScheduler, type LoggedInput } from '../../runtime/node/index.js';

/** A secondary after the model's bring-up: its COLO thread has just started and can step. */
function secondaryInColo(): NodeState {
  let node = createNode({ role: 'secondary', profile: PROFILES['qemu-11.0'] });
  for (const [side, input] of bringUpScript(node.config.profile, 'tcp:127.0.0.1:4444'))
    if (side === 'secondary') node = applyInput(node, input).node;
  return node;
}

describe('TraceScheduler: the node takes only what the replay offers', () => {
  it('never steps an enabled thread by itself (a live node would)', () => {
    const node = secondaryInColo();
    expect(enabledThreads(node).length).toBeGreaterThan(0);
    expect(new ArrivalScheduler().next(node)).toMatchObject({ input: { kind: 'step' } });
    expect(new TraceScheduler().next(node)).toBeNull();
  });

  it('hands back what was offered, first in first out, each once', () => {
    const scheduler = new TraceScheduler();
    const step: LoggedInput = { input: { kind: 'step', thread: 'colo' } };
    const timer: LoggedInput = { input: { kind: 'timer' } };
    const sent: LoggedInput = { input: { kind: 'io', completion: 'ram-sent' }, meta: { pages: 1 } };
    scheduler.offer([step]);
    scheduler.offer([timer, sent]);
    const node = secondaryInColo();
    expect([scheduler.next(node), scheduler.next(node), scheduler.next(node)]).toEqual([step, timer, sent]);
    expect(scheduler.next(node)).toBeNull();
  });
});
