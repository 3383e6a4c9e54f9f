import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyInput,
  bringUpScript,
  createNode,
  enabledThreads,
  type NodeConfig,
  type NodeInput,
  type NodeState,
  PROFILES,
  restoreNode,
  snapshotNode,
} from '../../../machines/index.js';
import { nodeKey } from '../../../model/compile/index.js';

/** A primary's own bring-up inputs, then whichever thread is enabled first, step after step. */
function walk(config: NodeConfig, steps: number): { inputs: NodeInput[]; states: NodeState[] } {
  const inputs: NodeInput[] = [];
  const states: NodeState[] = [];
  let node = createNode(config);
  const take = (input: NodeInput) => {
    inputs.push(input);
    node = applyInput(node, input).node;
    states.push(node);
  };
  for (const [side, input] of bringUpScript(config.profile, 'tcp:127.0.0.1:4444'))
    if (side === config.role) take(input);
  for (let i = 0; i < steps; i++) {
    const thread = enabledThreads(node)[i % Math.max(1, enabledThreads(node).length)];
    take(thread === undefined ? { kind: 'timer' } : { kind: 'step', thread });
  }
  return { inputs, states };
}

describe('snapshotNode / restoreNode', () => {
  it.each([
    { role: 'primary', profile: PROFILES['qemu-11.0'], multifd: 2 },
    { role: 'secondary', profile: PROFILES['qemu-7.2'] },
  ] as const)('a node restored from its JSON snapshot goes on exactly as the original ($role)', (config) => {
    const { inputs, states } = walk(config, 60);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: inputs.length - 1 }), (at) => {
        const data = JSON.parse(JSON.stringify(snapshotNode(states[at]!)));
        let restored = restoreNode(data, config);
        expect(nodeKey(restored)).toBe(nodeKey(states[at]!));
        for (let i = at + 1; i < inputs.length; i++) {
          restored = applyInput(restored, inputs[i]!).node;
          expect(nodeKey(restored)).toBe(nodeKey(states[i]!));
        }
      }),
      { numRuns: 25 },
    );
  });
});
