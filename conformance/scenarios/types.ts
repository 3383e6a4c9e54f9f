/**
 * The scenario driver's vocabulary: a pair of nodes driven through QMP only, whatever runs behind the
 * sockets (two QEMU processes or two lockstep nodes).
 * @packageDocumentation
 */
import type { Profile } from '../../machines/profiles.js';
import type { QmpClient } from '../qmp/client.js';
import type { QmpEvent } from '../qmp/wire.js';

/** Which side of the pair. @public */
export type Role = 'primary' | 'secondary';

/** What runs behind the QMP sockets. @public */
export type ImplName = 'qemu' | 'lockstep-7.2' | 'lockstep-11.0';

/** One node of a pair, as the driver sees it: a QMP client and a way to kill the node. @public */
export interface PairSide {
  readonly role: Role;
  readonly qmp: QmpClient;
  /** MIGRATION statuses in the order the node emitted them. */
  readonly statuses: string[];
  /** Every event the node emitted. */
  readonly events: QmpEvent[];
  /** Kills the node as SIGKILL would (no goodbye on any socket). */
  kill(): Promise<void>;
  readonly killed: boolean;
}

/** A running pair. @public */
export interface Pair {
  readonly impl: ImplName;
  /** The profile the logs are held against. */
  readonly profile: Profile;
  readonly primary: PairSide;
  readonly secondary: PairSide;
  /** The URI for migrate-incoming on the secondary. */
  readonly incomingUri: string;
  /** The URI for migrate on the primary, once migrate-incoming was answered. */
  migrateUri(): Promise<string>;
  /** Kills whatever still runs (SIGKILL), closes the clients and flushes the recordings. */
  close(): Promise<void>;
}

/** How a pair is started. @public */
export interface PairOptions {
  /** Where `primary.qmp.jsonl` and `secondary.qmp.jsonl` go. */
  readonly artifactsDir: string;
  /** Guest RAM (QEMU's -m). */
  readonly ram: string;
  /** Multifd channels the lockstep nodes open (QEMU reads its parameters over QMP). */
  readonly multifd: number;
  /** x-checkpoint-delay of the lockstep nodes (they read it at start; QEMU takes it over QMP). */
  readonly checkpointDelayMs: number;
  /** Default timeout of one QMP command, in ms. */
  readonly commandTimeoutMs: number;
}
