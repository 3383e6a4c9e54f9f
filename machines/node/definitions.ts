import type { AnyStateMachine } from 'xstate';
import { createColoPrimaryMachine } from '../colo-primary.js';
import { createColoSecondaryMachine } from '../colo-secondary.js';
import { createFailoverMachine } from '../failover.js';
import { createMigrationIncomingMachine } from '../migration-incoming.js';
import { createMigrationSourceMachine } from '../migration-source.js';
import { createMultifdRecvMachine } from '../multifd-recv.js';
import { createMultifdSendMachine } from '../multifd-send.js';
import type { Profile } from '../profiles.js';
import { fixesOf, type NodeConfig } from './types.js';

/** @internal The machines one node runs, built once per profile. */
export interface NodeMachines {
  readonly source: AnyStateMachine;
  readonly incoming: AnyStateMachine;
  readonly failover: AnyStateMachine;
  readonly primary: AnyStateMachine;
  readonly secondary: AnyStateMachine;
}

const cache = new Map<Profile, NodeMachines>();

/** @internal Machines are pure values: building them once per profile is safe and keeps folds fast. */
export function nodeMachines(profile: Profile): NodeMachines {
  let machines = cache.get(profile);
  if (!machines) {
    machines = {
      source: createMigrationSourceMachine(profile),
      incoming: createMigrationIncomingMachine(profile),
      failover: createFailoverMachine(),
      primary: createColoPrimaryMachine(profile),
      secondary: createColoSecondaryMachine(profile),
    };
    cache.set(profile, machines);
  }
  return machines;
}

/** @internal The multifd machines of a node: its channel count and the sync-hang fix. */
export interface MultifdMachines {
  readonly send: AnyStateMachine;
  readonly recv: AnyStateMachine;
}

const multifdCache = new Map<string, MultifdMachines>();

/** @internal Built once per (channels, kickOnExit, recvKickOnExit). */
export function multifdMachines(config: NodeConfig): MultifdMachines {
  const channels = config.multifd ?? 0;
  const { kickOnExit, recvKickOnExit } = fixesOf(config);
  const key = `${channels}/${kickOnExit}/${recvKickOnExit}`;
  let machines = multifdCache.get(key);
  if (!machines) {
    machines = {
      send: createMultifdSendMachine({ channels, kickOnExit }),
      recv: createMultifdRecvMachine({ channels, kickOnExit: recvKickOnExit }),
    };
    multifdCache.set(key, machines);
  }
  return machines;
}
