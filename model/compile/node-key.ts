import type { AnyMachineSnapshot } from 'xstate';
import {
  machineSnapshotText,
  type NodeConfig,
  type NodeSnapshot,
  type NodeState,
  restoreNode,
  NODE_SNAPSHOT_FIELDS as SNAPSHOTS,
  stableJson,
} from '../../machines/index.js';

// The transition memo's text: made once per interned snapshot, and the snapshots of a node state are
// the memo's shared objects, so a new node key mostly reuses texts it already has.
const textOf = (s: AnyMachineSnapshot | null): string => (s ? machineSnapshotText(s) : 'null');

// Fields a step leaves alone are the same objects in the next node state (nodes are replaced, never
// mutated): their text is made once per object.
const fieldText = new WeakMap<object, string>();

function valueText(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  let text = fieldText.get(value);
  if (text === undefined) {
    text = stableJson(value);
    fieldText.set(value, text);
  }
  return text;
}

const SNAPSHOT_FIELDS: ReadonlySet<string> = new Set(SNAPSHOTS);
const SORTED_SNAPSHOTS = [...SNAPSHOTS].sort();

/**
 * The canonical text of a node state: every field but the config (fixed per table), each machine as
 * its value, context and status. Equal keys mean equal futures, which is what lets the checker store a
 * node as a table index and a worker thread rebuild it from the key alone.
 * @public
 */
export function nodeKey(node: NodeState): string {
  return `{${nodeKeyParts(node).join(',')}}`;
}

/**
 * The parts {@link nodeKey} joins, one per field: a node table interns each part once, so a node costs
 * one small index per field instead of its whole text.
 * @internal
 */
export function nodeKeyParts(node: NodeState): string[] {
  // the snapshots first (in sorted order), then the other fields (sorted): canonical, though not one sort
  const parts = SORTED_SNAPSHOTS.map((field) => `${JSON.stringify(field)}:${textOf(node[field])}`);
  const record = node as unknown as Readonly<Record<string, unknown>>;
  for (const name of Object.keys(record).sort()) {
    if (name === 'config' || SNAPSHOT_FIELDS.has(name)) continue;
    const value = record[name];
    if (value === undefined || typeof value === 'function') continue;
    parts.push(`${JSON.stringify(name)}:${valueText(value)}`);
  }
  return parts;
}

/**
 * The node state a key names, its machines restored with `resolveState` (value, context, status).
 * @public
 */
export function decodeNode(key: string, config: NodeConfig): NodeState {
  // a key is the node's snapshot as JSON: the same data the runtime's log segments start from
  return restoreNode(JSON.parse(key) as NodeSnapshot, config);
}
