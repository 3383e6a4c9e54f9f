import {
  applyInput,
  type Effect,
  type NodeConfig,
  type NodeInput,
  type NodeState,
} from '../../machines/index.js';
import { fingerprint } from '../engine/fingerprint.js';
import { decodeNode, nodeKeyParts } from './node-key.js';
import { pushTriple, readTriple } from './triple.js';

/** One distinct node state in a table, with what the composition needs to know of it. @public */
export interface NodeEntry<F> {
  /** Index in the table, in order of discovery (deterministic for a deterministic search). */
  readonly id: number;
  /** The canonical key ({@link nodeKey}); the same in every thread. Made from the table's parts when asked. */
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
  // A node's key is a few dozen interned parts (nodeKeyParts) of ~1 KB in all; the table keeps each
  // part's text once and a node as its parts' indices, three bytes each: the closure at multifd 4 with
  // two faults holds over a million node states, and their whole keys were most of its memory.
  private readonly partIndex = new Map<string, number>();
  private readonly parts: string[] = [];
  private readonly byParts = new Map<string, NodeEntry<F>>();
  private readonly byHash = new Map<string, NodeEntry<F>>();
  // many node states share their facts (plain data): one object per distinct text
  private readonly factsByText = new Map<string, F>();
  private computed = 0;
  private compiling = 0;
  private readonly words = new Uint32Array(2);

  constructor(
    readonly config: NodeConfig,
    private readonly derive: (node: NodeState) => F,
  ) {}

  /** The entry of a node state, added when new. */
  intern(node: NodeState): NodeEntry<F> {
    const texts = nodeKeyParts(node);
    const codes: number[] = [];
    for (const text of texts) {
      let i = this.partIndex.get(text);
      if (i === undefined) {
        i = this.parts.length;
        this.parts.push(text);
        this.partIndex.set(text, i);
      }
      pushTriple(codes, i, 'node table key parts');
    }
    const compact = String.fromCharCode(...codes);
    return this.byParts.get(compact) ?? this.entry(compact, `{${texts.join(',')}}`, node);
  }

  /** The entry a key names (a state handed over by another thread), rebuilt from the key when new. */
  fromKey(key: string): NodeEntry<F> {
    fingerprint(key, this.words);
    const known = this.byHash.get(`${this.words[0]}.${this.words[1]}`);
    return known && known.key === key ? known : this.intern(decodeNode(key, this.config));
  }

  /** The key of the entry whose part indices are `compact`. */
  private readonly keyText = (compact: string): string => {
    const texts: string[] = [];
    for (let at = 0; at < compact.length; at += 3) texts.push(this.parts[readTriple(compact, at)]!);
    return `{${texts.join(',')}}`;
  };

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
    const step = { next: this.intern(node), effects: effects.length > 0 ? effects : NO_EFFECTS };
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

  private sharedFacts(facts: F): F {
    const text = JSON.stringify(facts);
    const known = this.factsByText.get(text);
    if (known) return known;
    this.factsByText.set(text, facts);
    return facts;
  }

  private entry(compact: string, key: string, node: NodeState): NodeEntry<F> {
    fingerprint(key, this.words);
    const entry = new TableEntry(
      this.entries.length,
      compact,
      this.keyText,
      this.words[0]!,
      this.words[1]!,
      node,
      this.sharedFacts(this.derive(node)),
    );
    const hash = `${entry.h0}.${entry.h1}`;
    // workers name nodes by this hash: two keys sharing it must stop the run, not merge two nodes
    if (this.byHash.has(hash)) throw new Error(`node table: two node keys share the 64-bit hash ${hash}`);
    this.entries.push(entry);
    this.byParts.set(compact, entry);
    this.byHash.set(hash, entry);
    return entry;
  }
}

const NO_EFFECTS: readonly Effect[] = Object.freeze([]);

/** A table's entry: its key is made from the table's interned parts only when asked (dictionaries, tests). */
class TableEntry<F> implements NodeEntry<F> {
  readonly steps = new Map<NodeInput, NodeStep<F>>();

  constructor(
    readonly id: number,
    private readonly compact: string,
    private readonly keyText: (compact: string) => string,
    readonly h0: number,
    readonly h1: number,
    readonly node: NodeState,
    readonly facts: F,
  ) {}

  get key(): string {
    return this.keyText(this.compact);
  }
}
