import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checker } from '../../../model/index.js';
import { type Graph, graphModel, naiveDistance, naiveReachable } from './support/graph.js';

const graphs: fc.Arbitrary<Graph> = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc.record({
    edges: fc.array(fc.array(fc.nat(n - 1), { maxLength: 4 }), { minLength: n, maxLength: n }),
    roots: fc.array(fc.nat(n - 1), { minLength: 1, maxLength: 3 }),
  }),
);

describe('random graphs (fast-check)', () => {
  it('BFS and DFS reach exactly the naively reachable nodes', () => {
    fc.assert(
      fc.property(graphs, (g) => {
        const expected = naiveReachable(g).size;
        expect(checker(graphModel(g)).spawnBfs().states).toBe(expected);
        expect(checker(graphModel(g)).spawnDfs().states).toBe(expected);
      }),
    );
  });

  it('the BFS counterexample to "never reach node t" has the BFS distance as its length', () => {
    fc.assert(
      fc.property(graphs, fc.nat(39), (g, target) => {
        const bad = target % g.edges.length;
        const d = naiveDistance(g, bad);
        const v = checker(graphModel(g, bad)).spawnBfs().violations;
        if (d < 0) expect(v).toEqual([]);
        else expect(v[0]?.trace?.actions.length).toBe(d);
      }),
    );
  });

  it('the transitions count every edge out of every reachable node', () => {
    fc.assert(
      fc.property(graphs, (g) => {
        let edges = 0;
        for (const s of naiveReachable(g)) edges += g.edges[s]!.length;
        expect(checker(graphModel(g)).spawnBfs().transitions).toBe(edges);
      }),
    );
  });
});
