import { type Model, Property } from '../../../../model/index.js';

/** A directed graph as adjacency lists over nodes 0..n-1, explored from `roots`. */
export interface Graph {
  edges: number[][];
  roots: number[];
}

/** The graph as a model: the state is the node, an action is the edge's target. No properties. */
export function graphModel(g: Graph, bad?: number): Model<number, number> {
  return {
    initStates: () => g.roots.slice(),
    actions(s, out) {
      for (const t of g.edges[s] ?? []) out.push(t);
    },
    nextState: (_s, t) => t,
    properties: () => (bad === undefined ? [] : [Property.always<number>('not bad', (s) => s !== bad)]),
    encode: (s) => BigInt(s),
    isEndState: () => true,
  };
}

/** Reachable nodes by the textbook worklist, with a Set: the independent oracle. */
export function naiveReachable(g: Graph): Set<number> {
  const seen = new Set(g.roots);
  const work = [...g.roots];
  for (let s = work.pop(); s !== undefined; s = work.pop()) {
    for (const t of g.edges[s] ?? []) {
      if (seen.has(t)) continue;
      seen.add(t);
      work.push(t);
    }
  }
  return seen;
}

/** BFS distance from the roots to `target` (or -1), the oracle for shortest traces. */
export function naiveDistance(g: Graph, target: number): number {
  const dist = new Map(g.roots.map((r) => [r, 0]));
  const queue = [...g.roots];
  for (let i = 0; i < queue.length; i++) {
    const s = queue[i]!;
    if (s === target) return dist.get(s)!;
    for (const t of g.edges[s] ?? []) {
      if (dist.has(t)) continue;
      dist.set(t, dist.get(s)! + 1);
      queue.push(t);
    }
  }
  return -1;
}
