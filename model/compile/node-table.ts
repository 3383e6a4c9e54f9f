import {
  applyInput,
  type Effect,
  type NodeConfig,
  type NodeInput,
  type NodeState,
} from '../../machines/index.js';
import { fingerprint } from '../engine/fingerprint.js';
import { decodeNode, nodeKey } from './node-key.js';

/** One distinct node state in a table, with what the composition needs to know of it. @public */
export interface NodeEntry<F> {
  /** Index in the table, in order of discovery (deterministic for a deterministic search). */
  readonly id: number;
  /** The canonical key ({@link nodeKey}); the same in every thread. */
  readonly key: string;
  /** 64-bit hash of the key, as two words: it names the node in fingerprints, the same in every thread. */
  readonly h0: number;
  readonly h1: number;
  readonly node: NodeState;
  /** Facts derived once from the node (enabled threads, statuses, counters). */
  readonly facts: F;
  /** The compiled transitions found so far, by input object. */
  readonly steps: Map<NodeInput, NodeStep<F>>;
}

/** A compiled transition: the next entry and the effects the edge must book, in order. @public */
export interface NodeStep<F> {
  readonly next: NodeEntry<F>;
  readonly effects: readonly Effect[];
}

/**
 * The machines of one node compiled into a table, lazily: each (node state, input) pair runs the XState
 * machines once (`applyInput`), and every later visit is a map lookup. Inputs are keyed by object
 * identity, so callers pass the shared objects of an {@link InputAlphabet}.
 * @example
 * ```ts
 * const table = new NodeTable(config, (node) => node.vm);
 * const step = table.apply(table.intern(createNode(config)), alphabet.step('colo'));
 * ```
 * @public
 */
export class NodeTable<F> {
  readonly entries: NodeEntry<F>[] = [];
  private readonly byKey = new Map<string, NodeEntry<F>>();
  private readonly byHash = new Map<string, NodeEntry<F>>();
  private computed = 0;
  private compiling = 0;
  private readonly words = new Uint32Array(2);

  constructor(
    readonly config: NodeConfig,
    private readonly derive: (node: NodeState) => F,
  ) {}

  /** The entry of a node state, added when new. */
  intern(node: NodeState): NodeEntry<F> {
    return this.entry(nodeKey(node), node);
  }

  /** The entry a key names (a state handed over by another thread), rebuilt from the key when new. */
  fromKey(key: string): NodeEntry<F> {
    return this.byKey.get(key) ?? this.entry(key, decodeNode(key, this.config));
  }

  /** The entry whose key hashes to (h0, h1), once this table has met or learnt it. */
  fromHash(h0: number, h1: number): NodeEntry<F> | undefined {
    return this.byHash.get(`${h0}.${h1}`);
  }

  /** The compiled step of `input` from `from`; runs the machines only the first time. */
  apply(from: NodeEntry<F>, input: NodeInput): NodeStep<F> {
    const known = from.steps.get(input);
    if (known) return known;
    const start = performance.now();
    const { node, effects } = applyInput(from.node, input);
    const step = { next: this.intern(node), effects };
    from.steps.set(input, step);
    this.computed++;
    this.compiling += performance.now() - start;
    return step;
  }

  /** How many transitions were compiled (machine runs). */
  get transitions(): number {
    return this.computed;
  }

  /** Time spent compiling transitions (running the machines, interning the nodes they reach), in seconds. */
  get compileSeconds(): number {
    return this.compiling / 1000;
  }

  private entry(key: string, node: NodeState): NodeEntry<F> {
    const known = this.byKey.get(key);
    if (known) return known;
    fingerprint(key, this.words);
    const entry: NodeEntry<F> = {
      id: this.entries.length,
      key,
      h0: this.words[0]!,
      h1: this.words[1]!,
      node,
      facts: this.derive(node),
      steps: new Map(),
    };
    const hash = `${entry.h0}.${entry.h1}`;
    // workers name nodes by this hash: two keys sharing it must stop the run, not merge two nodes
    if (this.byHash.has(hash)) throw new Error(`node table: two node keys share the 64-bit hash ${hash}`);
    this.entries.push(entry);
    this.byKey.set(key, entry);
    this.byHash.set(hash, entry);
    return entry;
  }
}
