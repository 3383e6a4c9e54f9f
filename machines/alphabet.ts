import type { EventObject } from 'xstate';
import { channelIndexes } from './counters.js';
import type { FailoverEvent } from './failover.js';
import { incomingTransitions } from './migration-incoming.js';
import { sourceTransitions } from './migration-source.js';
import type { Profile } from './profiles.js';
import type { StatusTransitions } from './status-states.js';
import type { FailoverStatus, MigrationStatus } from './vocabulary.js';
import { CAPABILITIES, COLO_MESSAGES } from './vocabulary.js';

/**
 * The finite set of concrete events a machine can take, for exhaustive exploration (xstate/graph and
 * the model checker send these; XState's own default sends bare `{type}` and misses payloads).
 * @internal
 */
const statusEvents = (table: StatusTransitions, extra: string[]): EventObject[] => {
  const types = new Set<string>(extra);
  for (const row of Object.values(table)) for (const type of Object.keys(row ?? {})) types.add(type);
  const capabilityToggles = CAPABILITIES.flatMap((capability) =>
    [true, false].map((state) => ({
      type: 'migrate-set-capabilities',
      capabilities: [{ capability, state }],
    })),
  );
  return [...[...types].map((type) => ({ type })), ...capabilityToggles];
};

/** @internal Source status events, with one migrate-set-capabilities per capability and value. */
export const sourceAlphabet = (profile: Profile) => statusEvents(sourceTransitions(profile), []);

/** @internal Incoming status events. */
export const incomingAlphabet = (profile: Profile) =>
  statusEvents(incomingTransitions(profile), profile.enableColoCommand ? ['enable-colo'] : []);

/** @internal Failover events, with the heartbeat both in and out of COLO mode. */
export const failoverAlphabet = (): FailoverEvent[] => [
  { type: 'failover-init' },
  { type: 'x-colo-lost-heartbeat', coloMode: 'none' },
  { type: 'x-colo-lost-heartbeat', coloMode: 'primary' },
  { type: 'x-colo-lost-heartbeat', coloMode: 'secondary' },
  { type: 'request' },
  { type: 'bottom-half' },
  { type: 'failover-done' },
  { type: 'defer' },
  { type: 'relaunch-handled' },
];

const OBSERVED_FAILOVER: FailoverStatus[] = ['none', 'require', 'relaunch', 'completed'];
const OBSERVED_MIGRATION: MigrationStatus[] = ['colo', 'completed'];

/** @internal COLO thread events: every message, a channel error, steps under each shared status. */
const coloThreadAlphabet = (): EventObject[] => [
  ...COLO_MESSAGES.map((message) => ({ type: 'message', message })),
  { type: 'channel-error' },
  ...OBSERVED_FAILOVER.flatMap((failover) =>
    OBSERVED_MIGRATION.map((migration) => ({ type: 'step', failover, migration })),
  ),
];

/** @internal Events of the primary's COLO thread. */
export const coloPrimaryAlphabet = (): EventObject[] => [
  ...coloThreadAlphabet(),
  ...OBSERVED_MIGRATION.map((migration) => ({ type: 'checkpoint-event', migration })),
  { type: 'ram-sent' },
  { type: 'exit-event' },
];

/** @internal Events of the secondary's COLO thread. */
export const coloSecondaryAlphabet = (): EventObject[] => [
  ...coloThreadAlphabet(),
  { type: 'ram-loaded' },
  { type: 'device-state-received' },
  { type: 'load-error' },
  { type: 'incoming-event' },
];

/** @internal Events of the multifd send side for n channels. */
export const multifdSendAlphabet = (channels: number): EventObject[] => [
  { type: 'sync' },
  { type: 'send' },
  { type: 'terminate' },
  { type: 'main.step' },
  ...channelIndexes(channels).flatMap((i) => [
    { type: `channel-${i}.step` },
    { type: `channel-${i}.write-error` },
  ]),
];

/** @internal Events of the multifd receive side for n channels. */
export const multifdRecvAlphabet = (channels: number): EventObject[] => [
  { type: 'sync' },
  { type: 'terminate' },
  { type: 'main.step' },
  ...channelIndexes(channels).flatMap((i) =>
    ['step', 'packet', 'sync-packet', 'eof', 'read-error'].map((what) => ({ type: `channel-${i}.${what}` })),
  ),
];
