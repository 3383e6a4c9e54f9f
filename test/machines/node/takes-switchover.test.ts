import { describe, expect, it } from 'vitest';
import {
  applyInput,
  createNode,
  migrationStatus,
  type NodeInput,
  type NodeState,
  PROFILES,
  type ProfileName,
  takesSwitchover,
} from '../../../machines/index.js';

/** A primary that ran migrate (with the given capabilities) and finished setup: precopy is active. */
function activePrimary(profile: ProfileName, capabilities: readonly string[]): NodeState {
  const inputs: NodeInput[] = [
    {
      kind: 'qmp',
      command: 'migrate-set-capabilities',
      id: 'caps',
      arguments: { capabilities: capabilities.map((capability) => ({ capability, state: true })) },
    },
    { kind: 'qmp', command: 'migrate', id: 'migrate', arguments: { uri: 'tcp:127.0.0.1:4444' } },
    { kind: 'migration', event: 'setup-done' },
  ];
  return inputs.reduce(
    (node, input) => applyInput(node, input).node,
    createNode({ role: 'primary', profile: PROFILES[profile] }),
  );
}

describe('takesSwitchover: the node, not the edge, says whether its profile has a switchover step', () => {
  it.each([
    ['qemu-11.0', [], true, 'device'],
    ['qemu-11.0', ['x-colo'], true, 'device'],
    ['qemu-11.0', ['pause-before-switchover'], true, 'pre-switchover'],
    ['qemu-7.2', [], false, null],
    ['qemu-7.2', ['x-colo'], false, null],
    ['qemu-7.2', ['pause-before-switchover'], true, 'pre-switchover'],
  ] as const)('%s with %j: %s (then %s)', (profile, capabilities, takes, after) => {
    const node = activePrimary(profile, capabilities);
    expect(migrationStatus(node)).toBe('active');
    expect(takesSwitchover(node)).toBe(takes);
    if (after)
      expect(migrationStatus(applyInput(node, { kind: 'migration', event: 'switchover' }).node)).toBe(after);
  });

  it('is false before the migration runs and on a secondary', () => {
    expect(takesSwitchover(createNode({ role: 'primary', profile: PROFILES['qemu-11.0'] }))).toBe(false);
    expect(takesSwitchover(createNode({ role: 'secondary', profile: PROFILES['qemu-11.0'] }))).toBe(false);
  });
});
