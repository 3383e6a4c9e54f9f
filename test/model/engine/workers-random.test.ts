import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checker, type Model } from '../../../model/index.js';
import { type Graph, naiveDistance, naiveReachable } from './support/graph.js';
import { createGraph, createHashedGraph, forest, type Packing } from './support/worker-models.js';

const module = new URL('./support/worker-models.ts', import.meta.url).href;

// A graph with its bad node; several go into one search (see `forest`), since starting workers is slow.
const component: fc.Arbitrary<{ graph: Graph; bad: number }> = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc.record({
    graph: fc.record({
      edges: fc.array(fc.array(fc.nat(n - 1), { maxLength: 4 }), { minLength: n, maxLength: n }),
      roots: fc.array(fc.nat(n - 1), { minLength: 1, maxLength: 3 }),
    }),
    bad: fc.nat(n - 1),
  }),
);
const packings = fc.constantFrom<Packing>('none', 'words', 'interned');

async function onWorkers<S, A>(k: number, model: Model<S, A>, exported: string, options: unknown) {
  return checker(model).workers(k, { module, export: exported, options }).spawnParallelBfs();
}

describe('parallel BFS on random graphs (fast-check)', () => {
  it('2 and 3 workers reach what the naive search reaches and find each shortest path to a bad node', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(component, { minLength: 1, maxLength: 8 }),
        packings,
        async (parts, packing) => {
          const { graph, bad } = forest(parts);
          const options = { graph, bad, packing };
          const one = checker(createGraph(options)).spawnBfs();
          const reachable = naiveReachable(graph);
          let edges = 0;
          for (const s of reachable) edges += graph.edges[s]!.length;
          for (const k of [2, 3]) {
            const r = await onWorkers(k, createGraph(options), 'createGraph', options);
            expect(r.states).toBe(reachable.size);
            expect(r.transitions).toBe(edges);
            expect(r.maxDepth).toBe(one.maxDepth);
            expect(r.complete).toBe(true);
            bad.forEach((b, i) => {
              const d = naiveDistance(graph, b);
              const v = r.violations.find((x) => x.property === `not bad ${i}`);
              if (d < 0) expect(v).toBeUndefined();
              else {
                expect(v?.trace?.actions.length).toBe(d);
                // the replayed trace really ends at the bad node
                expect(createGraph(options).encode(v!.trace!.states.at(-1)!)).toBe(BigInt(b));
              }
            });
          }
        },
      ),
      { numRuns: 6 },
    );
  }, 120_000);

  it('levels bigger than one batch: every packing agrees with one thread', async () => {
    for (const packing of ['none', 'words', 'interned'] as const) {
      const options = { n: 200_000, degree: 4, seed: 7, bad: [4242, 199_999], packing };
      const one = checker(createHashedGraph(options)).spawnBfs();
      expect(one.states).toBeGreaterThan(150_000);
      const two = await onWorkers(2, createHashedGraph(options), 'createHashedGraph', options);
      expect(two.states).toBe(one.states);
      expect(two.transitions).toBe(one.transitions);
      expect(two.maxDepth).toBe(one.maxDepth);
      // both at one depth: which comes first depends on which worker answers first
      const lengths = (r: typeof one) =>
        r.violations.map((v) => [v.property, v.trace?.actions.length]).sort();
      expect(lengths(two)).toEqual(lengths(one));
    }
  }, 120_000);
});
