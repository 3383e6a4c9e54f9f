/*
 * States bound for another BFS worker, as one flat Uint32Array per destination whose buffer is transferred,
 * not cloned. Per state a record: fingerprint high and low word, the parent's global reference, the action
 * index, the number of packed words n, then those n words. Cloning an array of small objects cost the
 * sender a structured clone per state; a flat buffer costs one memcpy-free transfer per message.
 */

/** Words before a record's packed state. */
const HEADER = 5;

/** The word count of a record whose state travels beside the buffer (`objects`), not in it. */
const CLONED = 0xffffffff;

/**
 * One message's worth of states for one worker: the records, the states that are not words (structured-
 * cloned, in record order), the model's dictionary for them and whether the sender's level ends here.
 */
export interface Batch {
  /** The records; its buffer is transferred with the message. */
  words: Uint32Array<ArrayBuffer>;
  /** States the model did not pack into a Uint32Array, in record order; null when there are none. */
  objects: unknown[] | null;
  /** What `Model.dictionary(owner)` returned for these states, learnt before they are unpacked. */
  dictionary?: unknown;
  /** True on the sender's last batch for the current level. */
  last: boolean;
}

/** Accumulates records for one destination; `take` hands them over and starts a fresh buffer. */
export class BatchWriter {
  private words: Uint32Array<ArrayBuffer>;
  private objects: unknown[] = [];
  /** Words written so far. */
  length = 0;

  /** `capacity`: initial words; the buffer doubles when a record does not fit. */
  constructor(private readonly capacity = 1 << 14) {
    this.words = new Uint32Array(capacity);
  }

  /** Appends a state: `packed` is written inline when it is a Uint32Array, carried beside otherwise. */
  add(hi: number, lo: number, parent: number, action: number, packed: unknown): void {
    const inline = packed instanceof Uint32Array;
    const n = inline ? packed.length : 0;
    if (this.length + HEADER + n > this.words.length) this.grow(HEADER + n);
    const w = this.words;
    const at = this.length;
    w[at] = hi;
    w[at + 1] = lo;
    w[at + 2] = parent;
    w[at + 3] = action;
    if (inline) {
      w[at + 4] = n;
      // a loop beats TypedArray.set for the dozen words a state usually has
      for (let i = 0; i < n; i++) w[at + HEADER + i] = packed[i]!;
    } else {
      w[at + 4] = CLONED;
      this.objects.push(packed);
    }
    this.length = at + HEADER + n;
  }

  /** The records so far (a view over a buffer to transfer) and the cloned states; resets the writer. */
  take(): Pick<Batch, 'words' | 'objects'> {
    const words = this.words.subarray(0, this.length);
    const objects = this.objects.length > 0 ? this.objects : null;
    this.words = new Uint32Array(Math.max(this.capacity, this.length));
    this.objects = [];
    this.length = 0;
    return { words, objects };
  }

  private grow(need: number): void {
    const bigger = new Uint32Array(Math.max(this.words.length * 2, this.length + need));
    bigger.set(this.words.subarray(0, this.length));
    this.words = bigger;
  }
}

/**
 * Walks a batch's records: `next()` moves to the following record and fills `hi`, `lo`, `parent` and
 * `action`; `packed()` makes the state's packed form only when asked (most arrivals are already known).
 */
export class BatchReader {
  /** The current record's fingerprint, high word. */
  hi = 0;
  /** The current record's fingerprint, low word. */
  lo = 0;
  /** The current record's parent (a global reference). */
  parent = 0;
  /** The current record's action index. */
  action = 0;
  private words: Uint32Array = new Uint32Array(0);
  private objects: unknown[] | null = null;
  private at = 0;
  private end = 0;
  private object = -1;

  /** Starts reading `batch` from its first record. */
  reset(batch: Pick<Batch, 'words' | 'objects'>): void {
    this.words = batch.words;
    this.objects = batch.objects;
    this.at = 0;
    this.end = 0;
    this.object = -1;
  }

  /** Moves to the next record; false at the end. */
  next(): boolean {
    const w = this.words;
    const at = this.end;
    if (at >= w.length) return false;
    this.at = at;
    this.hi = w[at]!;
    this.lo = w[at + 1]!;
    this.parent = w[at + 2]!;
    this.action = w[at + 3]!;
    const n = w[at + 4]!;
    if (n === CLONED) {
      this.object++;
      this.end = at + HEADER;
    } else this.end = at + HEADER + n;
    return true;
  }

  /** The current record's state as `Model.pack` made it: a view of its words, or the cloned value. */
  packed(): unknown {
    if (this.words[this.at + 4] === CLONED) return this.objects![this.object];
    return this.words.subarray(this.at + HEADER, this.end);
  }
}
