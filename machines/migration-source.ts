import { and, assign, not, setup } from 'xstate';
import type { MigrationContext, SetCapabilitiesEvent } from './capabilities-guards.js';
import { capabilitiesAfter, capabilityGuards, initialContext } from './capabilities-guards.js';
import type { Profile } from './profiles.js';
import { DEFAULT_PROFILE } from './profiles.js';
import { type StatusTransitions, statusStates } from './status-states.js';
import { TAG } from './tags.js';
import type { Capabilities, MigrationStatus } from './vocabulary.js';

/**
 * What moves MigrationState.state on the source. Each event names the QEMU step that calls
 * migrate_set_state (see the comment beside each transition for file:function).
 * @public
 */
export type MigrationSourceEvent =
  | SetCapabilitiesEvent
  | { type: 'migrate' }
  | { type: 'unplug-pending' }
  | { type: 'unplug-done' }
  | { type: 'setup-done' }
  | { type: 'thread-setup-failed' }
  | { type: 'switchover' }
  | { type: 'migrate-continue' }
  | { type: 'completion-done' }
  | { type: 'completion-failed' }
  | { type: 'file-error' }
  | { type: 'postcopy-start' }
  | { type: 'postcopy-continue' }
  | { type: 'postcopy-start-failed' }
  | { type: 'postcopy-package-loaded' }
  | { type: 'connect-error' }
  | { type: 'migrate_cancel' }
  | { type: 'cancel-done' }
  | { type: 'migrate-resume' }
  | { type: 'resume-start' }
  | { type: 'resume-ack' }
  | { type: 'multifd-send-error' }
  | { type: 'multifd-setup-error' }
  | { type: 'multifd-recv-terminate' }
  | { type: 'snapshot-done' }
  | { type: 'snapshot-failed' }
  | { type: 'cpr-exec-failed' }
  | { type: 'failover' }
  | { type: 'cleanup' };

/** Input of the source machine: the capabilities set before `migrate`. @public */
export interface MigrationSourceInput {
  readonly capabilities?: Partial<Capabilities>;
}

/**
 * The transitions of MigrationState.state (reference §2a) under a profile.
 * @internal
 */
export function sourceTransitions(profile: Profile): StatusTransitions {
  // The FAILING patch turns these error exits into failing; cleanup then finishes them.
  const failed: MigrationStatus = profile.failing ? 'failing' : 'failed';
  const running: MigrationStatus[] = [
    'setup',
    'active',
    'postcopy-device',
    'postcopy-active',
    'postcopy-paused',
    'postcopy-recover-setup',
    'postcopy-recover',
    'pre-switchover',
    'device',
    'wait-unplug',
    ...(profile.coloCancellable ? (['colo'] as const) : []),
  ];
  const table: StatusTransitions = {
    none: { migrate: 'setup' }, // migration.c:migrate_init
    setup: {
      'unplug-pending': 'wait-unplug', // migration.c:qemu_savevm_wait_unplug
      'setup-done': 'active', // migration.c:qemu_savevm_wait_unplug
      'connect-error': failed, // migration.c:migration_connect_error_propagate
      'multifd-send-error': { target: failed, guard: 'multifd' }, // multifd.c:multifd_send_error_propagate
      'multifd-setup-error': { target: failed, guard: 'multifd' }, // multifd.c:multifd_send_setup
      'multifd-recv-terminate': { target: 'failed', guard: 'multifd' }, // multifd.c:multifd_recv_terminate_threads
      'snapshot-done': 'completed', // savevm.c:qemu_savevm_state
      'snapshot-failed': 'failed', // savevm.c:qemu_savevm_state
    },
    'wait-unplug': { 'unplug-done': 'active' }, // migration.c:qemu_savevm_wait_unplug
    active: {
      'thread-setup-failed': failed, // migration.c:migration_thread, bg_migration_thread
      'file-error': failed, // migration.c:migration_detect_error
      'completion-failed': failed, // migration.c:migration_completion, bg_migration_completion
      'postcopy-start-failed': failed, // migration.c:postcopy_start
      'multifd-send-error': { target: failed, guard: 'multifd' },
      'multifd-recv-terminate': { target: 'failed', guard: 'multifd' },
    },
    'pre-switchover': {
      'migrate-continue': 'device', // migration.c:migration_switchover_prepare (7.2: migration_maybe_pause)
      'multifd-send-error': { target: failed, guard: 'multifd' },
    },
    device: {
      'completion-failed': failed, // migration.c:migration_completion
      'multifd-send-error': { target: failed, guard: 'multifd' },
    },
    'postcopy-active': {
      'completion-done': 'completed', // migration.c:migration_completion_end
      'completion-failed': failed, // migration.c:migration_completion
      'file-error': 'postcopy-paused', // migration.c:postcopy_pause
    },
    'postcopy-paused': {},
    'postcopy-recover': {
      'resume-ack': 'postcopy-active', // migration.c:migrate_handle_rp_resume_ack
      'file-error': 'postcopy-paused', // migration.c:postcopy_pause
    },
    colo: { failover: 'completed' }, // colo.c:primary_vm_do_failover
    completed: { migrate: 'setup' }, // migration.c:migrate_init (plain store to none first)
    failed: { migrate: 'setup' },
    cancelled: { migrate: 'setup' },
    cancelling: { 'cancel-done': 'cancelled' }, // migration.c:migration_cancel, migration_cleanup
  };

  // Switchover and the COLO hand-off: the one place the two profiles truly differ.
  if (profile.switchoverThroughDevice) {
    // migration.c:migration_switchover_prepare
    table.active!.switchover = [
      { target: 'pre-switchover', guard: 'pause-before-switchover' },
      { target: 'device' },
    ];
    table.active!['completion-done'] = { target: 'completed', guard: 'background-snapshot' };
    // migration.c:migration_completion (cb1d85dfaa: device -> colo)
    table.device!['completion-done'] = [{ target: 'colo', guard: 'x-colo' }, { target: 'completed' }];
  } else {
    // 7.2 migration.c:migration_maybe_pause pauses only on request; device exists only after it.
    table.active!.switchover = { target: 'pre-switchover', guard: 'pause-before-switchover' };
    // 7.2 migration.c:migration_completion: colo only from active; device goes to completed even with x-colo.
    table.active!['completion-done'] = [{ target: 'colo', guard: 'x-colo' }, { target: 'completed' }];
    table.device!['completion-done'] = 'completed';
  }

  if (profile.switchoverThroughDevice) {
    // migration.c:postcopy_start switches over first (active -> device), then starts postcopy.
    table.device!['postcopy-start'] = profile.postcopyDevice
      ? [
          { target: 'postcopy-device', guard: and(['postcopy-ram', 'return-path']) },
          { target: 'postcopy-active', guard: and(['postcopy-ram', not('return-path')]) },
        ]
      : { target: 'postcopy-active', guard: 'postcopy-ram' };
    table.device!['postcopy-start-failed'] = failed;
  } else {
    // 7.2 migration.c:postcopy_start: straight to postcopy-active, or through migration_maybe_pause.
    table.active!['postcopy-start'] = [
      { target: 'pre-switchover', guard: and(['postcopy-ram', 'pause-before-switchover']) },
      { target: 'postcopy-active', guard: 'postcopy-ram' },
    ];
    table['pre-switchover']!['postcopy-continue'] = { target: 'postcopy-active', guard: 'postcopy-ram' };
    table['pre-switchover']!['postcopy-start-failed'] = failed; // 7.2 postcopy_start: preempt channel wait
    table['postcopy-active']!['postcopy-start-failed'] = failed; // 7.2 postcopy_start: fail after the package
    table.cancelling!.migrate_cancel = 'cancelling'; // 7.2 migrate_fd_cancel: cancelling is still running
    // 7.2 migration.c:bg_migration_completion fails from cancelling on a file error
    table.cancelling!['completion-failed'] = { target: 'failed', guard: 'background-snapshot' };
  }
  if (profile.postcopyDevice) {
    table['postcopy-device'] = {
      'postcopy-package-loaded': 'postcopy-active', // migration.c:migration_iteration_run
      'file-error': failed, // migration.c:migration_detect_error
    };
  }

  // Postcopy recovery: 9.1 added a setup phase before recover.
  if (profile.postcopyRecoverSetup) {
    table['postcopy-paused']!['migrate-resume'] = 'postcopy-recover-setup'; // migration.c:migrate_prepare
    table['postcopy-recover-setup'] = {
      'resume-start': 'postcopy-recover', // migration.c:migration_start_outgoing
      'connect-error': 'postcopy-paused', // migration.c:migration_connect_error_propagate
    };
  } else {
    table['postcopy-paused']!['migrate-resume'] = 'postcopy-recover';
  }

  if (profile.failing) {
    table.failing = { cleanup: 'failed' }; // migration.c:migration_cleanup
    table.completed!['cpr-exec-failed'] = 'failed'; // cpr-exec.c:cpr_exec_cb
  }

  // migration.c:migration_cancel: every running state may be cancelled.
  for (const status of running) {
    const row = table[status];
    if (row) row.migrate_cancel = 'cancelling';
  }
  return table;
}

/**
 * The source side's MigrationStatus machine for a profile.
 *
 * @example
 * ```ts
 * const machine = createMigrationSourceMachine(QEMU_11_0);
 * const [s0] = initialTransition(machine, { capabilities: { 'x-colo': true } });
 * const [s1] = transition(machine, s0, { type: 'migrate' }); // setup
 * ```
 * @public
 */
export function createMigrationSourceMachine(profile: Profile = DEFAULT_PROFILE) {
  return setup({
    types: {} as {
      context: MigrationContext;
      events: MigrationSourceEvent;
      input: MigrationSourceInput | undefined;
    },
    guards: capabilityGuards,
    actions: {
      setCapabilities: assign({ capabilities: capabilitiesAfter }),
    },
  }).createMachine({
    id: 'migration-source',
    description: `MigrationState.state on the source (${profile.name})`,
    context: initialContext,
    initial: 'none',
    states: statusStates(
      profile,
      sourceTransitions(profile),
      { action: 'setCapabilities', taken: 'idle' },
      {
        // migration.c:migration_iteration_run moves RAM until the switchover completes
        active: [TAG.precopy],
        device: [TAG.precopy],
        'pre-switchover': [TAG.precopy, TAG.awaitsContinue],
      },
    ),
  });
}

/** The type of a source machine. @public */
export type MigrationSourceMachine = ReturnType<typeof createMigrationSourceMachine>;
