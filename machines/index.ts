/**
 * machines/: the single source of truth for the protocol. Pure XState v5 definitions, no I/O,
 * QEMU's names; version differences are profiles.
 * @packageDocumentation
 */

export type { MigrationContext, SetCapabilitiesEvent } from './capabilities-guards.js';
export * from './colo-mode.js';
export * from './colo-primary.js';
export * from './colo-secondary.js';
export type { ColoThreadEvent, Observed } from './colo-shared.js';
export type { ChannelParams } from './counters.js';
export * from './failover.js';
export * from './introspect.js';
export * from './link/index.js';
export * from './migration-incoming.js';
export * from './migration-source.js';
export * from './multifd-recv.js';
export * from './multifd-send.js';
export * from './node/index.js';
export * from './profiles.js';
export * from './registry.js';
export * from './tags.js';
export * from './vocabulary.js';
