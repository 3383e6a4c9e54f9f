import type { NodeFixes } from '../../machines/index.js';

/** A fix of the 2026 COLO series the checker can switch off. @public */
export interface FixInfo {
  /** The name for `--without-fix`. */
  readonly name: FixName;
  /** What it fixes, and the patch. */
  readonly description: string;
  /** The switch in machines/node's NodeConfig.fixes. */
  readonly key: keyof NodeFixes;
}

/** The fix names, in the order `--list-fixes` prints them. @public */
export const FIX_NAMES = [
  'multifd-kick-on-exit',
  'release-cache-after-multifd',
  'return-path-reuse',
  'file-lock-in-failover',
] as const;
/** A fix name. @public */
export type FixName = (typeof FIX_NAMES)[number];

/** Every fix with its description. @public */
export const FIXES: readonly FixInfo[] = [
  {
    name: 'multifd-kick-on-exit',
    key: 'kickOnExit',
    description:
      'every exiting multifd send thread kicks the main thread, so multifd_send_sync_main cannot wait forever on a channel that left on `exiting` (v11 18/21, "multifd: Fix hang if send thread errors during sync"; needs --multifd 2)',
  },
  {
    name: 'release-cache-after-multifd',
    key: 'releaseCacheAfterMultifd',
    description:
      'the colo cache is freed in migration_incoming_state_destroy after the multifd receive threads are joined, not in colo_incoming_co (v11 09/21, use-after-free; needs --multifd)',
  },
  {
    name: 'return-path-reuse',
    key: 'returnPathReuse',
    description:
      "the primary's COLO thread reuses migration's return path and no longer fcloses it at `out` without qemu_file_lock, which raced with migrate_cancel (v11 20/21 and 21/21)",
  },
  {
    name: 'file-lock-in-failover',
    key: 'fileLockInFailover',
    description:
      'primary_vm_do_failover shuts to_dst_file and the return path under qemu_file_lock (v11 19/21)',
  },
];

/** The fixes lockstep proposes (not in QEMU), off unless `--with-fix` names them. @public */
export const PROPOSED_FIX_NAMES = ['recv-kick-on-exit'] as const;
/** A proposed fix's name. @public */
export type ProposedFixName = (typeof PROPOSED_FIX_NAMES)[number];

/** A proposed fix with what it changes. @public */
export interface ProposedFixInfo {
  readonly name: ProposedFixName;
  readonly description: string;
  readonly key: keyof NodeFixes;
}

/** Every proposed fix. @public */
export const PROPOSED_FIXES: readonly ProposedFixInfo[] = [
  {
    name: 'recv-kick-on-exit',
    key: 'recvKickOnExit',
    description:
      'proposed, not in QEMU: every exiting multifd receive thread posts recv_state->sem_sync, so multifd_recv_sync_main cannot wait forever for the SYNC of a channel that died (the receive-side twin of multifd-kick-on-exit; needs --multifd)',
  },
];

/** NodeConfig.fixes with the named series fixes switched off and the named proposed fixes on. @public */
export function fixesWithout(off: readonly FixName[], proposed: readonly ProposedFixName[] = []): NodeFixes {
  const fixes: Record<string, boolean> = {};
  for (const fix of FIXES) fixes[fix.key] = !off.includes(fix.name);
  for (const fix of PROPOSED_FIXES) fixes[fix.key] = proposed.includes(fix.name);
  return fixes as unknown as NodeFixes;
}
