import type { Model } from './types.js';

/** States per typed-array chunk of a packed level. */
export const CHUNK_STATES = 4096;

/** How a model stores a state as a fixed number of 32-bit words and rebuilds it (this thread only). */
export interface StateStore<S> {
  readonly words: number;
  store(state: S, words: Uint32Array, offset: number): void;
  load(words: Uint32Array, offset: number): S;
}

/** The model's packed form, or null when it has none. @internal */
export function stateStoreOf<S, A>(model: Model<S, A>): StateStore<S> | null {
  const { stateWords, storeState, loadState } = model;
  if (stateWords === undefined || !storeState || !loadState) return null;
  const words = stateWords.call(model);
  return {
    words,
    store: (state, buffer, offset) => storeState.call(model, state, buffer, offset),
    load: (buffer, offset) => loadState.call(model, buffer, offset),
  };
}

/**
 * One level of a breadth-first search, written once in discovery order and then read once in the same
 * order. The first `objects` states stay objects (a small search pays nothing); the rest are stored as
 * the model's packed words in chunks of {@link CHUNK_STATES} states, a few dozen bytes each instead of an
 * object graph, and rebuilt when read. Reading releases the chunks already passed, so a level shrinks
 * while the next one grows.
 * @internal
 */
export class Frontier<S> {
  private objects: S[] = [];
  /** How many states were kept as objects (the array is dropped once they have been read). */
  private kept = 0;
  private readonly chunks: (Uint32Array | null)[] = [];
  private count = 0;
  private readonly stride: number;
  private readonly chunkWords: number;

  constructor(
    private readonly store: StateStore<S> | null,
    private readonly threshold: number,
  ) {
    this.stride = store?.words ?? 0;
    this.chunkWords = this.stride * CHUNK_STATES;
  }

  /** States written so far. */
  get length(): number {
    return this.count;
  }

  /** Appends a state. */
  push(state: S): void {
    const store = this.store;
    if (store === null || this.kept < this.threshold) {
      this.objects.push(state);
      this.kept++;
      this.count++;
      return;
    }
    const index = this.count - this.kept;
    const chunk = Math.floor(index / CHUNK_STATES);
    let words = this.chunks[chunk];
    if (words === undefined) {
      words = new Uint32Array(this.chunkWords);
      this.chunks.push(words);
    }
    if (words === null) throw new Error('frontier: a write into a released chunk');
    store.store(state, words, (index - chunk * CHUNK_STATES) * this.stride);
    this.count++;
  }

  /**
   * The state at position `i`. Positions are read in increasing order: reading the first state of a
   * chunk releases the one before it.
   */
  at(i: number): S {
    if (i < this.kept) return this.objects[i]!;
    const index = i - this.kept;
    const chunk = Math.floor(index / CHUNK_STATES);
    const within = index - chunk * CHUNK_STATES;
    if (within === 0) {
      if (chunk > 0) this.chunks[chunk - 1] = null;
      else this.objects = [];
    }
    const words = this.chunks[chunk];
    if (!words) throw new Error(`frontier: state ${i} was released or never written`);
    return this.store!.load(words, within * this.stride);
  }

  /** Bytes held by the packed chunks still alive. */
  get packedBytes(): number {
    let bytes = 0;
    for (const c of this.chunks) if (c) bytes += c.byteLength;
    return bytes;
  }
}
