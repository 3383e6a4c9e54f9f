import type { AnyMachineSnapshot, AnyStateMachine, StateValue } from 'xstate';
import type { NodeConfig, NodeState } from '../../machines/index.js';
import { multifdMachines, nodeMachines } from '../../machines/node/definitions.js';
import { stableJson } from '../../machines/node/stable-json.js';
import { snapshotText } from '../../machines/node/transition-memo.js';

/** The node's machine snapshots, by field. */
const SNAPSHOTS = ['source', 'incoming', 'failover', 'colo', 'multifdSend', 'multifdRecv'] as const;
type SnapshotField = (typeof SNAPSHOTS)[number];

interface SnapshotData {
  readonly value: unknown;
  readonly context: unknown;
  readonly status: AnyMachineSnapshot['status'];
}

// The transition memo's text: made once per interned snapshot, and the snapshots of a node state are
// the memo's shared objects, so a new node key mostly reuses texts it already has.
const textOf = (s: AnyMachineSnapshot | null): string => (s ? snapshotText(s) : 'null');

/**
 * The canonical text of a node state: every field but the config (fixed per table), each machine as
 * its value, context and status. Equal keys mean equal futures, which is what lets the checker store a
 * node as a table index and a worker thread rebuild it from the key alone.
 * @public
 */
export function nodeKey(node: NodeState): string {
  const { config: _config, ...rest } = node;
  const data: Record<string, unknown> = { ...rest };
  for (const field of SNAPSHOTS) delete data[field];
  const plain = stableJson(data);
  // the snapshots first (in sorted order), then the other fields (sorted): canonical, though not one sort
  const snapshots = [...SNAPSHOTS].sort().map((field) => `${JSON.stringify(field)}:${textOf(node[field])}`);
  return `{${snapshots.join(',')},${plain.slice(1)}`;
}

function machineOf(config: NodeConfig, field: SnapshotField): AnyStateMachine {
  const machines = nodeMachines(config.profile);
  switch (field) {
    case 'source':
    case 'incoming':
    case 'failover':
      return machines[field];
    case 'colo':
      return config.role === 'primary' ? machines.primary : machines.secondary;
    case 'multifdSend':
      return multifdMachines(config).send;
    case 'multifdRecv':
      return multifdMachines(config).recv;
  }
}

/**
 * The node state a key names, its machines restored with `resolveState` (value, context, status).
 * @public
 */
export function decodeNode(key: string, config: NodeConfig): NodeState {
  const data = JSON.parse(key) as Record<string, unknown>;
  const node: Record<string, unknown> = { ...data, config };
  for (const field of SNAPSHOTS) {
    const snapshot = data[field] as SnapshotData | null;
    node[field] =
      snapshot &&
      machineOf(config, field).resolveState({
        value: snapshot.value as StateValue,
        context: snapshot.context,
        status: snapshot.status,
      });
  }
  return node as unknown as NodeState;
}
