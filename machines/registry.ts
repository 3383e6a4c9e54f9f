import type { AnyStateMachine, EventObject } from 'xstate';
import {
  coloPrimaryAlphabet,
  coloSecondaryAlphabet,
  failoverAlphabet,
  incomingAlphabet,
  multifdRecvAlphabet,
  multifdSendAlphabet,
  sourceAlphabet,
} from './alphabet.js';
import { createColoPrimaryMachine } from './colo-primary.js';
import { createColoSecondaryMachine } from './colo-secondary.js';
import { createFailoverMachine } from './failover.js';
import { createMigrationIncomingMachine } from './migration-incoming.js';
import { createMigrationSourceMachine } from './migration-source.js';
import { createMultifdRecvMachine } from './multifd-recv.js';
import { createMultifdSendMachine } from './multifd-send.js';
import type { Profile } from './profiles.js';
import { DEFAULT_PROFILE } from './profiles.js';

/** The machines lockstep defines, by the names the CLI and the charts use. @public */
export const MACHINE_NAMES = [
  'migration-source',
  'migration-incoming',
  'failover',
  'colo-primary',
  'colo-secondary',
  'multifd-send',
  'multifd-recv',
] as const;
/** A machine name. @public */
export type MachineName = (typeof MACHINE_NAMES)[number];

/** What a machine is built from: the profile, and for multifd the channel count and the hang fix. @public */
export interface MachineOptions {
  readonly profile?: Profile;
  readonly channels?: number;
  readonly kickOnExit?: boolean;
}

/** A machine with what exploring it needs. @public */
export interface MachineEntry {
  readonly name: MachineName;
  /** One line: which QEMU code it stands for. */
  readonly summary: string;
  /** Builds the XState machine. */
  readonly create: (options?: MachineOptions) => AnyStateMachine;
  /** Every concrete event the machine can take, for exhaustive exploration. */
  readonly alphabet: (options?: MachineOptions) => EventObject[];
}

const profileOf = (options?: MachineOptions) => options?.profile ?? DEFAULT_PROFILE;
const channelsOf = (options?: MachineOptions) => options?.channels ?? 2;

/** Every machine, by name. @public */
export const MACHINES: Readonly<Record<MachineName, MachineEntry>> = {
  'migration-source': {
    name: 'migration-source',
    summary: 'MigrationState.state on the source (migration.c, multifd.c, colo.c, savevm.c)',
    create: (o) => createMigrationSourceMachine(profileOf(o)),
    alphabet: (o) => sourceAlphabet(profileOf(o)),
  },
  'migration-incoming': {
    name: 'migration-incoming',
    summary: 'MigrationIncomingState.state on the destination (migration.c, colo.c, postcopy-ram.c)',
    create: (o) => createMigrationIncomingMachine(profileOf(o)),
    alphabet: (o) => incomingAlphabet(profileOf(o)),
  },
  failover: {
    name: 'failover',
    summary: 'FailoverStatus (colo-failover.c, colo.c)',
    create: () => createFailoverMachine(),
    alphabet: () => failoverAlphabet(),
  },
  'colo-primary': {
    name: 'colo-primary',
    summary: "The primary's COLO thread (colo.c:colo_process_checkpoint)",
    create: (o) => createColoPrimaryMachine(profileOf(o)),
    alphabet: () => coloPrimaryAlphabet(),
  },
  'colo-secondary': {
    name: 'colo-secondary',
    summary: "The secondary's COLO thread (colo.c:colo_process_incoming_thread)",
    create: (o) => createColoSecondaryMachine(profileOf(o)),
    alphabet: () => coloSecondaryAlphabet(),
  },
  'multifd-send': {
    name: 'multifd-send',
    summary: 'multifd send threads and multifd_send_sync_main (multifd.c)',
    create: (o) =>
      createMultifdSendMachine({
        channels: channelsOf(o),
        ...(o?.kickOnExit === undefined ? {} : { kickOnExit: o.kickOnExit }),
      }),
    alphabet: (o) => multifdSendAlphabet(channelsOf(o)),
  },
  'multifd-recv': {
    name: 'multifd-recv',
    summary: 'multifd receive threads and multifd_recv_sync_main (multifd.c)',
    create: (o) => createMultifdRecvMachine({ channels: channelsOf(o) }),
    alphabet: (o) => multifdRecvAlphabet(channelsOf(o)),
  },
};
