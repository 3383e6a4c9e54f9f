import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import { applyInput } from '../../../machines/index.js';
import { decodeNode, NodeTable, nodeKey } from '../../../model/compile/index.js';
import { type ColoModelOptions, checker, createColoModel } from '../../../model/index.js';

const SNAPSHOTS = ['source', 'incoming', 'failover', 'colo', 'multifdSend', 'multifdRecv'] as const;

function tablesAfter(options: ColoModelOptions, maxDepth?: number) {
  const model = createColoModel(options);
  const builder = checker(model);
  if (maxDepth !== undefined) builder.targetMaxDepth(maxDepth);
  builder.spawnBfs();
  return [model.composition.tables.primary, model.composition.tables.secondary];
}

// Worker threads rebuild node states from their keys, so a key must carry the whole future of a node.
describe.each([
  { name: 'plain, qemu-11.0, whole search', options: {} },
  { name: 'plain, qemu-7.2, whole search', options: { profile: 'qemu-7.2' } },
  { name: 'multifd 2 to depth 30', options: { multifd: 2 }, depth: 30 },
] as const)('a node key names a node state completely: $name', ({ options, depth }) => {
  const tables = tablesAfter(options as ColoModelOptions, depth);

  it('keeps only what resolveState restores: no children, history or output in any machine', () => {
    for (const table of tables)
      for (const entry of table.entries)
        for (const field of SNAPSHOTS) {
          const snapshot = entry.node[field] as (AnyMachineSnapshot & { historyValue?: object }) | null;
          if (!snapshot) continue;
          expect(Object.keys(snapshot.children)).toEqual([]);
          expect(Object.keys(snapshot.historyValue ?? {})).toEqual([]);
          expect(snapshot.output).toBeUndefined();
        }
  });

  it('decodes to a node with the same key, which takes every compiled step to the same next node', () => {
    let steps = 0;
    for (const table of tables) {
      expect(table.entries.length).toBeGreaterThan(10);
      for (const entry of table.entries) {
        const decoded = decodeNode(entry.key, table.config);
        expect(nodeKey(decoded)).toBe(entry.key);
        for (const [input, step] of entry.steps) {
          const { node, effects } = applyInput(decoded, input);
          expect(nodeKey(node)).toBe(step.next.key);
          expect(effects).toEqual(step.effects);
          steps++;
        }
      }
    }
    expect(steps).toBeGreaterThan(100);
  });

  // a table stores a node as its interned key parts and makes the key when asked: the same node state
  // must meet the same entry whichever way it arrives, and a fresh table (a worker) must name it alike
  it('meets the same entry by node, by key and in a fresh table learning the keys', () => {
    for (const table of tables) {
      const fresh = new NodeTable(table.config, () => null);
      for (const entry of table.entries) {
        expect(table.intern(decodeNode(entry.key, table.config))).toBe(entry);
        expect(table.fromKey(entry.key)).toBe(entry);
        const learnt = fresh.fromKey(entry.key);
        expect([learnt.key, learnt.h0, learnt.h1]).toEqual([entry.key, entry.h0, entry.h1]);
      }
      expect(fresh.entries.length).toBe(table.entries.length);
    }
  });
});
