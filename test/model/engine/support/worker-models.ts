import { type Model, Property } from '../../../../model/index.js';
import type { Graph } from './graph.js';
import { sideExit, starvation } from './liveness-models.js';

/**
 * How a graph model's states cross threads: as they are (structured-cloned), as words (`pack` returns a
 * Uint32Array, so they ride in the flat batch buffer), or as words naming per-thread interned objects that
 * the receiver knows only from the dictionary shipped with the batch (the COLO model's shape).
 */
export type Packing = 'none' | 'words' | 'interned';

/** Options a worker can rebuild a graph model from. */
export interface GraphOptions {
  graph: Graph;
  /** Nodes whose reach violates a safety property each: `not bad ${i}` for `bad[i]`. */
  bad: number[];
  packing: Packing;
}

/** A node of the interned graph: one object per node and thread, like a node-table entry. */
export interface Interned {
  readonly node: number;
  readonly label: string;
}

/** A graph model's state: the node itself, or (packing 'interned') the thread's object for it. */
export type GraphState = number | Interned;

const nodeOf = (s: GraphState): number => (typeof s === 'number' ? s : s.node);

/** The graph as a model whose states cross threads the given way. */
export function createGraph(options: GraphOptions): Model<GraphState, number> {
  const { graph, bad, packing } = options;
  const table = new Map<number, Interned>();
  const intern = (node: number, label = `n${node}`): Interned => {
    let known = table.get(node);
    if (!known) {
      known = { node, label };
      table.set(node, known);
    }
    return known;
  };
  const state = (node: number): GraphState => (packing === 'interned' ? intern(node) : node);
  const model: Model<GraphState, number> = {
    initStates: () => graph.roots.map(state),
    actions(s, out) {
      for (const t of graph.edges[nodeOf(s)] ?? []) out.push(t);
    },
    nextState: (_s, t) => state(t),
    properties: () => bad.map((b, i) => Property.always<GraphState>(`not bad ${i}`, (s) => nodeOf(s) !== b)),
    encode: (s) => BigInt(nodeOf(s)),
    isEndState: () => true,
  };
  if (packing === 'words') {
    model.pack = (s) => Uint32Array.of(nodeOf(s), nodeOf(s) ^ 0x5a5a5a5a);
    model.unpack = (packed) => {
      const w = packed as Uint32Array;
      if (w.length !== 2 || (w[0]! ^ 0x5a5a5a5a) !== w[1]) throw new Error('graph: words garbled in transit');
      return w[0]!;
    };
  }
  if (packing === 'interned') Object.assign(model, dictionaryHooks(table, intern));
  return model;
}

// A worker learns a node's label from the dictionary shipped with the batch, before its words arrive.
function dictionaryHooks(
  table: Map<number, Interned>,
  intern: (node: number, label: string) => Interned,
): Pick<Model<GraphState, number>, 'pack' | 'dictionary' | 'learn' | 'unpack'> {
  const sent = new Map<number, Set<number>>();
  const unsent = new Map<number, [number, string][]>();
  return {
    pack(s, owner) {
      const { node, label } = s as Interned;
      const known = sent.get(owner) ?? new Set();
      sent.set(owner, known);
      if (!known.has(node)) {
        known.add(node);
        unsent.set(owner, [...(unsent.get(owner) ?? []), [node, label]]);
      }
      return Uint32Array.of(node);
    },
    dictionary(owner) {
      const d = unsent.get(owner) ?? [];
      unsent.set(owner, []);
      return d;
    },
    learn(dictionary) {
      for (const [node, label] of dictionary as [number, string][]) intern(node, label);
    },
    unpack(packed) {
      const node = (packed as Uint32Array)[0]!;
      const s = table.get(node);
      if (!s) throw new Error(`graph: node ${node} arrived before the dictionary naming it`);
      return s;
    },
  };
}

/**
 * A graph too big to pass around, rebuilt from a seed: node i has `degree` edges to pseudo-random nodes.
 * Levels grow fast, so one worker's successors for another overflow a single batch.
 */
export function createHashedGraph(options: {
  n: number;
  degree: number;
  seed: number;
  bad: number[];
  packing: Packing;
}): Model<GraphState, number> {
  const { n, degree, seed } = options;
  const edges: number[][] = [];
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    const out: number[] = [];
    for (let j = 0; j < degree; j++) {
      // xorshift32: deterministic on every thread
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      out.push(x % n);
    }
    edges.push(out);
  }
  return createGraph({ graph: { edges, roots: [0] }, bad: options.bad, packing: options.packing });
}

/** {@link sideExit} for a worker. */
export function createSideExit(): Model<number, number> {
  return sideExit();
}

/** {@link starvation} for a worker. */
export function createStarvation(options: {
  spin: number;
  blocked: boolean;
  fair: boolean;
}): Model<Uint8Array, number> {
  return starvation(options.spin, options.blocked, options.fair);
}

/**
 * Several graphs as one: node ids offset so the components are disjoint, so one search (one worker
 * start-up) checks them all; each keeps its own bad node, and its shortest path is its own component's.
 */
export function forest(graphs: { graph: Graph; bad: number }[]): { graph: Graph; bad: number[] } {
  const edges: number[][] = [];
  const roots: number[] = [];
  const bad: number[] = [];
  for (const g of graphs) {
    const offset = edges.length;
    for (const out of g.graph.edges) edges.push(out.map((t) => t + offset));
    for (const r of g.graph.roots) roots.push(r + offset);
    bad.push(g.bad + offset);
  }
  return { graph: { edges, roots }, bad };
}
