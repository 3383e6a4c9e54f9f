import { and, assign, not, setup } from 'xstate';
import type { MigrationContext, SetCapabilitiesEvent } from './capabilities-guards.js';
import { capabilitiesAfter, capabilityGuards, initialContext } from './capabilities-guards.js';
import type { Profile } from './profiles.js';
import { DEFAULT_PROFILE } from './profiles.js';
import { type StatusTransitions, statusStates } from './status-states.js';
import { TAG } from './tags.js';
import type { Capabilities, MigrationStatus } from './vocabulary.js';

/** What moves MigrationIncomingState.state on the destination (reference §2b). @public */
export type MigrationIncomingEvent =
  | SetCapabilitiesEvent
  | { type: 'migrate-incoming' }
  | { type: 'migrate-recover' }
  | { type: 'enable-colo' }
  | { type: 'load-start' }
  | { type: 'load-failed' }
  | { type: 'load-done' }
  | { type: 'colo-start' }
  | { type: 'failover' }
  | { type: 'channel-error' }
  | { type: 'postcopy-listen' }
  | { type: 'postcopy-run' }
  | { type: 'postcopy-load-failed' }
  | { type: 'postcopy-done' }
  | { type: 'postcopy-recover' }
  | { type: 'postcopy-resume' }
  | { type: 'file-error' };

/** Input of the incoming machine: the capabilities set before `migrate-incoming`. @public */
export interface MigrationIncomingInput {
  readonly capabilities?: Partial<Capabilities>;
}

/** The transitions of MigrationIncomingState.state (reference §2b) under a profile. @internal */
export function incomingTransitions(profile: Profile): StatusTransitions {
  const channelError = profile.incomingChannelErrorFails ? { 'channel-error': 'failed' as const } : {};
  const table: StatusTransitions = {
    none: profile.incomingSetup
      ? { 'migrate-incoming': 'setup', ...channelError } // migration.c:migration_incoming_state_setup
      : { 'load-start': 'active' }, // 7.2 migration.c:process_incoming_migration_co: no setup state
    active: {
      'load-failed': 'failed', // migration.c:process_incoming_migration_co (fail label)
      'load-done': 'completed', // migration.c:process_incoming_migration_bh
      'colo-start': { target: 'colo', guard: 'x-colo' }, // colo.c:colo_process_incoming_thread
      ...channelError,
      // postcopy-ram.c:postcopy_listen_thread (7.2: savevm.c:postcopy_ram_listen_thread)
      'postcopy-listen': profile.postcopyDevice
        ? [
            { target: 'postcopy-device', guard: and(['postcopy-ram', 'return-path']) },
            { target: 'postcopy-active', guard: and(['postcopy-ram', not('return-path')]) },
          ]
        : { target: 'postcopy-active', guard: 'postcopy-ram' },
    },
    colo: { failover: 'completed' }, // colo.c:secondary_vm_do_failover
    'postcopy-active': {
      'postcopy-load-failed': 'failed', // postcopy-ram.c:postcopy_listen_thread
      'postcopy-done': 'completed', // postcopy-ram.c:postcopy_listen_thread
      'file-error': 'postcopy-paused', // savevm.c:postcopy_pause_incoming
    },
    'postcopy-paused': {
      'postcopy-recover': 'postcopy-recover', // migration.c:postcopy_try_recover
      ...channelError,
    },
    'postcopy-recover': {
      'postcopy-resume': 'postcopy-active', // savevm.c:loadvm_postcopy_handle_resume
      // savevm.c:postcopy_pause_incoming (7.2 pauses only from postcopy-active)
      ...(profile.postcopyDevice ? { 'file-error': 'postcopy-paused' as const } : {}),
    },
  };
  if (profile.incomingSetup) {
    table.setup = {
      'load-start': 'active', // migration.c:process_incoming_migration_co
      ...channelError, // channel.c:migration_channel_process_incoming
    };
  }
  if (profile.postcopyDevice) {
    table['postcopy-device'] = {
      'postcopy-run': 'postcopy-active', // savevm.c:loadvm_postcopy_handle_run
      'postcopy-load-failed': 'failed', // postcopy-ram.c:postcopy_listen_thread
    };
  }
  return table;
}

/**
 * The destination side's MigrationStatus machine for a profile.
 *
 * @example
 * ```ts
 * const machine = createMigrationIncomingMachine(QEMU_7_2);
 * const [s0] = initialTransition(machine, { capabilities: { 'x-colo': true } });
 * ```
 * @public
 */
export function createMigrationIncomingMachine(profile: Profile = DEFAULT_PROFILE) {
  return setup({
    types: {} as {
      context: MigrationContext;
      events: MigrationIncomingEvent;
      input: MigrationIncomingInput | undefined;
    },
    guards: capabilityGuards,
    actions: {
      // described for the node: 7.2's MIGRATION setup event without a status change (see announcesSetupInPlace)
      'announce-setup': () => {},
      // 7.2 savevm.c:loadvm_process_enable_colo: the source's stream switches COLO on here.
      enableColo: assign({ capabilities: ({ context }) => ({ ...context.capabilities, 'x-colo': true }) }),
      setCapabilities: assign({ capabilities: capabilitiesAfter }),
    },
  }).createMachine({
    id: 'migration-incoming',
    description: `MigrationIncomingState.state on the destination (${profile.name})`,
    context: initialContext,
    initial: 'none',
    states: withEnableColo(
      profile,
      // colo.c: in colo the SVM is the replica; it serves only after secondary_vm_do_failover
      statusStates(
        profile,
        incomingTransitions(profile),
        // QEMU checks the source's state only: the destination takes capabilities in any status
        { action: 'setCapabilities', taken: 'every-status' },
        { colo: [TAG.replica] },
      ),
    ),
  });
}

/** The type of an incoming machine. @public */
export type MigrationIncomingMachine = ReturnType<typeof createMigrationIncomingMachine>;

/**
 * QEMU 7.2's quirk, written once: migration.c:qemu_start_incoming_migration emits MIGRATION `setup`
 * unconditionally (even with the `events` capability off) and changes no status. Two commands call it:
 * migrate-incoming (the status stays `none`) and migrate-recover (qmp_migrate_recover, the status stays
 * `postcopy-paused` until postcopy_try_recover). From 8.0 the event comes from migrate_set_state alone.
 * The incoming machine describes it (`announce-setup` on these commands), the node emits the event, and the
 * trace checker accepts a `from -> setup` it cannot see as a status change by asking
 * {@link announcesSetupInPlace}.
 * @internal
 */
export function setupAnnouncements(profile: Profile): Partial<Record<MigrationStatus, string>> {
  return profile.incomingSetup ? {} : { none: 'migrate-incoming', 'postcopy-paused': 'migrate-recover' };
}

/**
 * True when the destination announces MIGRATION `setup` while it stays in `from` (see setupAnnouncements).
 * @example announcesSetupInPlace(QEMU_7_2, 'postcopy-paused', 'setup') // true
 * @public
 */
export function announcesSetupInPlace(profile: Profile, from: string, to: string): boolean {
  return to === 'setup' && Object.hasOwn(setupAnnouncements(profile), from);
}

/**
 * 7.2 only: MIG_CMD_ENABLE_COLO arrives in the stream while the destination is active; migrate-incoming
 * and migrate-recover announce `setup` in place.
 */
function withEnableColo(profile: Profile, states: ReturnType<typeof statusStates>) {
  if (profile.enableColoCommand && states.active) states.active.on['enable-colo'] = { actions: 'enableColo' };
  for (const [status, command] of Object.entries(setupAnnouncements(profile)))
    if (states[status]) states[status].on[command] = { actions: 'announce-setup' };
  return states;
}
