import type { AnyMachineSnapshot, StateValue } from 'xstate';
import { NODE_SNAPSHOT_FIELDS, nodeFieldMachine } from './snapshots.js';
import type { NodeConfig, NodeState } from './types.js';

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
    const snapshot = NODE_SNAPSHOT_FIELDS.some((f) => f === name)
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
  for (const field of NODE_SNAPSHOT_FIELDS) {
    const data = snapshot[field] as MachineData | null;
    node[field] =
      data &&
      nodeFieldMachine(config, field).resolveState({
        value: data.value as StateValue,
        context: data.context,
        status: data.status,
      });
  }
  return node as unknown as NodeState;
}
