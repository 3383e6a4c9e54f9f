const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

/** The parent of an initial state. */
export const NO_PARENT = 0xffffffff;

/**
 * Parent links for BFS counterexamples: per state id (discovery order) the parent's id and the index
 * of the action taken in the parent's `actions()` list (for an initial state: its index in
 * `initStates()`). Stored in fixed 64 Ki chunks, so growth never copies and never over-allocates
 * by more than one chunk: 5 bytes per state while action indexes fit in a byte, 6 after.
 */
export class ParentLinks {
  private parents: Uint32Array[] = [];
  private actions: (Uint8Array | Uint16Array)[] = [];
  private wide = false;
  /** Links stored; the next id. */
  size = 0;

  /** Appends a link and returns the new state's id. */
  push(parent: number, action: number): number {
    const id = this.size;
    const c = id >>> CHUNK_BITS;
    if (c === this.parents.length) {
      this.parents.push(new Uint32Array(CHUNK));
      this.actions.push(this.wide ? new Uint16Array(CHUNK) : new Uint8Array(CHUNK));
    }
    if (action > 0xff && !this.wide) this.widen();
    if (action > 0xffff) throw new RangeError(`action index ${action} exceeds 65535 actions per state`);
    this.parents[c]![id & MASK] = parent;
    this.actions[c]![id & MASK] = action;
    this.size = id + 1;
    return id;
  }

  /** The parent id of `id` (NO_PARENT for an initial state). */
  parent(id: number): number {
    return this.parents[id >>> CHUNK_BITS]![id & MASK]!;
  }

  /** The action index that led to `id`. */
  action(id: number): number {
    return this.actions[id >>> CHUNK_BITS]![id & MASK]!;
  }

  /** The path from an initial state to `id`: the init index, then one action index per step. */
  path(id: number): { init: number; steps: number[] } {
    const steps: number[] = [];
    let cur = id;
    while (this.parent(cur) !== NO_PARENT) {
      steps.push(this.action(cur));
      cur = this.parent(cur);
    }
    return { init: this.action(cur), steps: steps.reverse() };
  }

  /** Bytes held. */
  get bytes(): number {
    let n = 0;
    for (let i = 0; i < this.parents.length; i++)
      n += this.parents[i]!.byteLength + this.actions[i]!.byteLength;
    return n;
  }

  // Rare: a model with more than 255 actions in some state; pay the copy once.
  private widen(): void {
    this.wide = true;
    this.actions = this.actions.map((a) => Uint16Array.from(a));
  }
}
