import type { MigrationStatus } from './vocabulary.js';
import { MIGRATION_STATUSES } from './vocabulary.js';

/**
 * What differs between QEMU versions. A profile is a parameter of every machine factory, never a copy
 * of a machine: the machines read these switches where the versions part ways.
 * @public
 */
export interface Profile {
  /** The name used on the command line (`--profile`). */
  readonly name: ProfileName;
  /** One line for `--help` and the charts. */
  readonly description: string;
  /** The MigrationStatus values this QEMU knows, in QAPI order. */
  readonly statuses: readonly MigrationStatus[];
  /**
   * Precopy always switches over through `device` (commit 4881411136 "Always set DEVICE state"), and COLO
   * starts from `device` (cb1d85dfaa). Without it, `device` exists only after `pre-switchover` and COLO
   * starts from `active`.
   */
  readonly switchoverThroughDevice: boolean;
  /** Errors go through `failing` to `failed` at cleanup (the FAILING patch, d1ab9655fd). */
  readonly failing: boolean;
  /** Postcopy with a return path passes through `postcopy-device` (since 10.2). */
  readonly postcopyDevice: boolean;
  /** Postcopy recovery passes through `postcopy-recover-setup` (since 9.1). */
  readonly postcopyRecoverSetup: boolean;
  /** The secondary resets its devices before loading a checkpoint's device state ("colo: Fix crash during device vmstate load"). */
  readonly resetBeforeLoad: boolean;
  /** The primary holds the BQL while it sends RAM ("colo: Hold the BQL while sending ram state"). */
  readonly sendRamUnderBql: boolean;
  /** The secondary holds the BQL while it receives RAM (dropped by "colo: Do not hold the BQL while receiving ram state"). */
  readonly receiveRamUnderBql: boolean;
  /** Multifd channels carry COLO checkpoints ("multifd: Add COLO support"). */
  readonly coloMultifd: boolean;
  /** `colo` counts as running, so migrate_cancel moves it to `cancelling` (7.2: cancel only shuts the return path). */
  readonly coloCancellable: boolean;
  /** The destination passes through `setup` (7.2 emits a MIGRATION `setup` event but stays `none`, then goes to `active`). */
  readonly incomingSetup: boolean;
  /** A failed incoming channel fails the destination (7.2 channel.c only reports the error). */
  readonly incomingChannelErrorFails: boolean;
  /** The destination enters COLO because the source's stream says so (MIG_CMD_ENABLE_COLO), not its own x-colo. */
  readonly enableColoCommand: boolean;
  /**
   * migrate-set-capabilities refuses a capability set with multifd once an incoming migration has started
   * (82137e6c8c "migration: enforce multifd and postcopy preempt to be set before incoming", 8.1;
   * options.c:migrate_caps_check). 7.2 takes it at any time on a destination.
   */
  readonly multifdBeforeIncoming: boolean;
  /** query-status reports `singlestep` (qapi/run-state.json:StatusInfo; deprecated in 8.1, removed since). */
  readonly statusSinglestep: boolean;
  /** colo-failover.c:qmp_x_colo_lost_heartbeat's error outside COLO (7.2 checks migrate_colo_enabled first). */
  readonly notInColoError: string;
  /** The version the QMP greeting announces (qmp_capabilities' `QMP.version.qemu`). */
  readonly qemuVersion: { readonly major: number; readonly minor: number; readonly micro: number };
}

/** The names of the profiles lockstep ships. @public */
export const PROFILE_NAMES = ['qemu-7.2', 'qemu-11.0'] as const;
/** A profile name. @public */
export type ProfileName = (typeof PROFILE_NAMES)[number];

const without = (...absent: MigrationStatus[]): readonly MigrationStatus[] =>
  MIGRATION_STATUSES.filter((status) => !absent.includes(status));

/** QEMU 7.2 as Debian 12 ships it: precopy goes active → colo; no failing; no 2026 COLO fixes. @public */
export const QEMU_7_2: Profile = Object.freeze({
  name: 'qemu-7.2',
  description:
    'QEMU 7.2 (Debian 12): active -> colo, no failing, no postcopy-device or postcopy-recover-setup',
  statuses: without('postcopy-device', 'postcopy-recover-setup', 'failing'),
  switchoverThroughDevice: false,
  failing: false,
  postcopyDevice: false,
  postcopyRecoverSetup: false,
  resetBeforeLoad: false,
  sendRamUnderBql: false,
  receiveRamUnderBql: true,
  coloMultifd: false,
  coloCancellable: false,
  incomingSetup: false,
  incomingChannelErrorFails: false,
  enableColoCommand: true,
  multifdBeforeIncoming: false,
  statusSinglestep: true,
  notInColoError: "The feature 'colo' is not enabled",
  qemuVersion: Object.freeze({ major: 7, minor: 2, micro: 0 }),
});

/** Current upstream (2026): active → device → colo; failing → failed; COLO over multifd. @public */
export const QEMU_11_0: Profile = Object.freeze({
  name: 'qemu-11.0',
  description: 'QEMU 11.0 (upstream 2026): active -> device -> colo, failing -> failed, COLO multifd',
  statuses: MIGRATION_STATUSES,
  switchoverThroughDevice: true,
  failing: true,
  postcopyDevice: true,
  postcopyRecoverSetup: true,
  resetBeforeLoad: true,
  sendRamUnderBql: true,
  receiveRamUnderBql: false,
  coloMultifd: true,
  coloCancellable: true,
  incomingSetup: true,
  incomingChannelErrorFails: true,
  enableColoCommand: false,
  multifdBeforeIncoming: true,
  statusSinglestep: false,
  notInColoError: 'VM is not in COLO mode',
  qemuVersion: Object.freeze({ major: 11, minor: 0, micro: 0 }),
});

/** Every shipped profile by name. @public */
export const PROFILES: Readonly<Record<ProfileName, Profile>> = Object.freeze({
  'qemu-7.2': QEMU_7_2,
  'qemu-11.0': QEMU_11_0,
});

/** The profile used when none is named: current upstream. @public */
export const DEFAULT_PROFILE: Profile = QEMU_11_0;
