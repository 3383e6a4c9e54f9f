import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { multifdMachines, nodeMachines } from './definitions.js';
import { snapshotText } from './transition-memo.js';
import type { NodeConfig } from './types.js';

/** The fields of a node state that hold a machine snapshot. @public */
export const NODE_SNAPSHOT_FIELDS = [
  'source',
  'incoming',
  'failover',
  'colo',
  'multifdSend',
  'multifdRecv',
] as const;

/** One of {@link NODE_SNAPSHOT_FIELDS}. @public */
export type NodeSnapshotField = (typeof NODE_SNAPSHOT_FIELDS)[number];

/**
 * The machine behind one snapshot field of a node built from `config` (the COLO field is the role's
 * COLO thread), e.g. to restore a snapshot with `resolveState`.
 * @public
 */
export function nodeFieldMachine(config: NodeConfig, field: NodeSnapshotField): AnyStateMachine {
  switch (field) {
    case 'source':
    case 'incoming':
    case 'failover':
      return nodeMachines(config.profile)[field];
    case 'colo':
      return config.role === 'primary'
        ? nodeMachines(config.profile).primary
        : nodeMachines(config.profile).secondary;
    case 'multifdSend':
      return multifdMachines(config).send;
    case 'multifdRecv':
      return multifdMachines(config).recv;
  }
}

/**
 * A snapshot's canonical text (value, context, status as sorted JSON), made once per snapshot the
 * transition memo holds: equal texts mean equal snapshots. Node keys are made of it.
 * @public
 */
export function machineSnapshotText(snapshot: AnyMachineSnapshot): string {
  return snapshotText(snapshot);
}
