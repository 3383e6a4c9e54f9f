import { describe, expect, it } from 'vitest';
import { applyInput } from '../../../machines/index.js';
import { decodeNode, nodeKey } from '../../../model/compile/index.js';
import { checker, createColoModel } from '../../../model/index.js';

// Worker threads rebuild node states from their keys, so a key must carry the whole future of a node.
describe('a node key names a node state completely', () => {
  const model = createColoModel({ multifd: 1 });
  checker(model).targetMaxDepth(12).spawnBfs();
  const tables = [model.composition.tables.primary, model.composition.tables.secondary];

  it('decodes to a node with the same key', () => {
    for (const table of tables) {
      expect(table.entries.length).toBeGreaterThan(10);
      for (const entry of table.entries) expect(nodeKey(decodeNode(entry.key, table.config))).toBe(entry.key);
    }
  });

  it('decoded nodes take every compiled step to the same next node', () => {
    let steps = 0;
    for (const table of tables) {
      for (const entry of table.entries) {
        const decoded = decodeNode(entry.key, table.config);
        for (const [input, step] of entry.steps) {
          const { node, effects } = applyInput(decoded, input);
          expect(nodeKey(node)).toBe(step.next.key);
          expect(effects).toEqual(step.effects);
          steps++;
        }
      }
    }
    expect(steps).toBeGreaterThan(50);
  });
});
