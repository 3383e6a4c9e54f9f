import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHUNK_STATES, Frontier, type StateStore } from '../../../model/engine/frontier.js';
import { checker, type Model } from '../../../model/index.js';
import { type Graph, graphModel } from './support/graph.js';
import { philosophers } from './support/philosophers.js';

/** A state of three words, stored as they are. */
type Triple = readonly [number, number, number];
const tripleStore: StateStore<Triple> = {
  words: 3,
  store(s, words, offset) {
    words[offset] = s[0];
    words[offset + 1] = s[1];
    words[offset + 2] = s[2];
  },
  load: (words, offset) => [words[offset]!, words[offset + 1]!, words[offset + 2]!],
};

/** The i-th state of a level, from a seed: distinct enough to notice a state read from the wrong slot. */
const tripleOf = (seed: number, i: number): Triple => [
  (seed * 2654435761 + i) >>> 0,
  (i * 40503) >>> 0,
  (seed ^ (i << 7)) >>> 0,
];

describe('the packed BFS frontier', () => {
  it('reads back every state in order, whatever the object threshold and the chunk boundaries', () => {
    fc.assert(
      fc.property(
        fc.nat(3 * CHUNK_STATES + 3),
        fc.nat(3 * CHUNK_STATES + 3),
        fc.nat(),
        (count, threshold, seed) => {
          const level = new Frontier(tripleStore, threshold);
          for (let i = 0; i < count; i++) level.push(tripleOf(seed, i));
          expect(level.length).toBe(count);
          const packed = Math.max(0, count - threshold);
          expect(level.packedBytes).toBe(Math.ceil(packed / CHUNK_STATES) * CHUNK_STATES * 3 * 4);
          const wrong: number[] = [];
          for (let i = 0; i < count; i++) {
            const [a, b, c] = level.at(i);
            const [x, y, z] = tripleOf(seed, i);
            if (a !== x || b !== y || c !== z) wrong.push(i);
          }
          expect(wrong).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('releases each chunk once the next one is read', () => {
    const level = new Frontier(tripleStore, 0);
    for (let i = 0; i < 2 * CHUNK_STATES + 1; i++) level.push(tripleOf(1, i));
    const chunk = CHUNK_STATES * 3 * 4;
    expect(level.packedBytes).toBe(3 * chunk);
    level.at(0);
    level.at(CHUNK_STATES);
    expect(level.packedBytes).toBe(2 * chunk);
    expect(() => level.at(0)).toThrow(/released/);
    level.at(2 * CHUNK_STATES);
    expect(level.packedBytes).toBe(chunk);
  });

  it('without a store every state stays an object', () => {
    const level = new Frontier<Triple>(null, 0);
    for (let i = 0; i < 10; i++) level.push(tripleOf(2, i));
    expect(level.packedBytes).toBe(0);
    expect(level.at(9)).toEqual(tripleOf(2, 9));
  });
});

/** A model stored as words: a graph's node in one word, a philosopher state in n. */
function storedGraph(g: Graph, bad?: number): Model<number, number> {
  return {
    ...graphModel(g, bad),
    stateWords: () => 1,
    storeState(s, words, offset) {
      words[offset] = s;
    },
    loadState: (words, offset) => words[offset]!,
  };
}

function storedPhilosophers(n: number): Model<Uint8Array, number> {
  return {
    ...philosophers(n),
    stateWords: () => n,
    storeState(s, words, offset) {
      for (let i = 0; i < n; i++) words[offset + i] = s[i]!;
    },
    loadState: (words, offset) => Uint8Array.from(words.subarray(offset, offset + n)),
  };
}

const graphs: fc.Arbitrary<Graph> = fc.integer({ min: 1, max: 60 }).chain((n) =>
  fc.record({
    edges: fc.array(fc.array(fc.nat(n - 1), { maxLength: 4 }), { minLength: n, maxLength: n }),
    roots: fc.array(fc.nat(n - 1), { minLength: 1, maxLength: 3 }),
  }),
);

/** What a BFS report says, traces as action lists. */
function summary<S, A>(model: Model<S, A>, objects?: number) {
  const b = checker(model);
  if (objects !== undefined) b.frontierObjects(objects);
  const r = b.spawnBfs();
  return {
    states: r.states,
    transitions: r.transitions,
    maxDepth: r.maxDepth,
    complete: r.complete,
    violations: r.violations.map((v) => ({ property: v.property, actions: v.trace?.actions })),
  };
}

describe('BFS with every level packed', () => {
  it('gives the counts, depth and shortest traces of the object frontier on random graphs', () => {
    fc.assert(
      fc.property(graphs, fc.nat(59), fc.nat(3), (g, target, threshold) => {
        const bad = target % g.edges.length;
        const objects = summary(graphModel(g, bad));
        expect(summary(storedGraph(g, bad), threshold)).toEqual(objects);
        expect(summary(storedGraph(g, bad), 0)).toEqual(objects);
      }),
    );
  });

  it('finds the same philosophers deadlock after the same 6 steps', () => {
    const objects = summary(philosophers(6));
    expect(objects.violations.find((v) => v.property === 'deadlock')?.actions).toHaveLength(6);
    expect(summary(storedPhilosophers(6), 0)).toEqual(objects);
    expect(summary(storedPhilosophers(6), 5)).toEqual(objects);
  });
});
