import type { Profile } from '../profiles.js';
import type { NodeInput, NodeRole } from './types.js';

const X_COLO = { capabilities: [{ capability: 'x-colo', state: true }] };

/**
 * The inputs that take a pair from two fresh processes to both sides in COLO, as the test scripts drive
 * QEMU (capabilities, migrate-incoming, migrate, then precopy's milestones for the profile), in order. The
 * threads' own steps are left to the caller, which settles them after the script.
 * @example
 * ```ts
 * for (const [side, input] of bringUpScript(PROFILES['qemu-11.0'], 'tcp:127.0.0.1:0')) apply(side, input);
 * ```
 * @public
 */
export function bringUpScript(profile: Profile, uri: string): ReadonlyArray<readonly [NodeRole, NodeInput]> {
  const qmp = (side: NodeRole, command: string, args?: Record<string, unknown>) =>
    [side, { kind: 'qmp', command, id: command, ...(args ? { arguments: args } : {}) }] as const;
  const migration = (side: NodeRole, event: string) => [side, { kind: 'migration', event }] as const;
  return [
    qmp('secondary', 'migrate-set-capabilities', X_COLO),
    qmp('secondary', 'migrate-incoming', { uri }),
    qmp('primary', 'migrate-set-capabilities', X_COLO),
    qmp('primary', 'cont'),
    qmp('primary', 'migrate', { uri }),
    migration('secondary', 'load-start'),
    ...(profile.enableColoCommand ? [migration('secondary', 'enable-colo')] : []),
    migration('primary', 'setup-done'),
    ...(profile.switchoverThroughDevice ? [migration('primary', 'switchover')] : []),
    migration('primary', 'completion-done'),
    migration('secondary', 'stream-loaded'),
  ];
}
