import type { AnyMachineSnapshot, AnyStateMachine, StateValue } from 'xstate';
import { multifdMachines, nodeMachines } from './definitions.js';
import type { NodeConfig, NodeState } from './types.js';

/** The node's fields that hold a machine snapshot. */
const MACHINE_FIELDS = ['source', 'incoming', 'failover', 'colo', 'multifdSend', 'multifdRecv'] as const;
type MachineField = (typeof MACHINE_FIELDS)[number];

/** One machine of a node as data: what `resolveState` needs to rebuild it. @public */
export interface MachineData {
  readonly value: unknown;
  readonly context: unknown;
  readonly status: AnyMachineSnapshot['status'];
}

/**
 * A node state as plain JSON data (no config: the reader has it), for a runtime that starts a new log
 * segment from where the fold stands instead of from the first input.
 * @public
 */
export type NodeSnapshot = Readonly<Record<string, unknown>>;

function machineOf(config: NodeConfig, field: MachineField): AnyStateMachine {
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
 * The node as data: each machine as its value, context and status, every other field as it is.
 * @example
 * ```ts
 * const data = JSON.parse(JSON.stringify(snapshotNode(node)));
 * restoreNode(data, node.config); // the same node: the same inputs take both to the same states
 * ```
 * @public
 */
export function snapshotNode(node: NodeState): NodeSnapshot {
  const data: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(node)) {
    if (name === 'config') continue;
    const snapshot = MACHINE_FIELDS.some((f) => f === name)
      ? (value as AnyMachineSnapshot | null)
      : undefined;
    data[name] =
      snapshot === undefined
        ? value
        : snapshot && { value: snapshot.value, context: snapshot.context, status: snapshot.status };
  }
  return data;
}

/** The node state `snapshot` holds, its machines rebuilt with `resolveState` for `config`. @public */
export function restoreNode(snapshot: NodeSnapshot, config: NodeConfig): NodeState {
  const node: Record<string, unknown> = { ...snapshot, config };
  for (const field of MACHINE_FIELDS) {
    const data = snapshot[field] as MachineData | null;
    node[field] =
      data &&
      machineOf(config, field).resolveState({
        value: data.value as StateValue,
        context: data.context,
        status: data.status,
      });
  }
  return node as unknown as NodeState;
}
