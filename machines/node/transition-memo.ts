import { type AnyMachineSnapshot, type AnyStateMachine, type EventObject, transition } from 'xstate';
import { stableJson } from './stable-json.js';

/**
 * An action a machine described in a transition: its type and params, as XState returns them from
 * transition() (the memo keeps only these two fields).
 * @internal
 */
export interface DescribedAction {
  readonly type: string;
  readonly params?: unknown;
}

/**
 * What one event does to one snapshot: the next snapshot and the actions described on the way.
 * @internal
 */
export interface MemoStep {
  readonly next: AnyMachineSnapshot;
  readonly actions: readonly DescribedAction[];
}

/**
 * How many entries (interned snapshots, memoized steps, `can` answers) one machine's memo holds before
 * it starts over. The checker needs far fewer (multifd 2: about 1,400 for multifd-send, the largest;
 * multifd 3: about 10,500), and a runtime's checkpoints bring every context back to the same values. But
 * nothing bounds the events a QMP client sends (each distinct `migrate-set-capabilities` argument list
 * is a step of its own), nor promises every counter in a context stays bounded. Measured at about 400
 * bytes an entry (snapshot, text, step), the cap keeps one machine's memo near 20 MB at worst.
 * @internal
 */
export const MEMO_CAP = 50_000;

/** One interned snapshot: its canonical text, the shared object, and the steps found from it. */
interface Interned {
  readonly text: string;
  readonly snapshot: AnyMachineSnapshot;
  readonly memo: MachineMemo;
  /** The memo's generation when interned: after a start-over the record is stale and interned again. */
  readonly generation: number;
  /** By event key ({@link eventKey}). */
  readonly steps: Map<string, MemoStep>;
  /** What `snapshot.can(event)` answered, by event key. */
  readonly cans: Map<string, boolean>;
}

interface MachineMemo {
  readonly byText: Map<string, Interned>;
  generation: number;
  /** Interned snapshots plus memoized steps and `can` answers, the figure {@link MEMO_CAP} bounds. */
  size: number;
}

const memos = new WeakMap<AnyStateMachine, MachineMemo>();
// By identity: snapshots a step leaves alone, or that the memo handed out, are met again and again.
const interned = new WeakMap<AnyMachineSnapshot, Interned>();
let memoOn = true;

/**
 * What transition() reads of a snapshot besides the machine: value, context and status. The rest is
 * derived from these (`_nodes`, `tags`) or always empty here: no machine in machines/ has history
 * states (`historyValue`), invokes or spawns actors (`children`) or declares an `output`; `error` goes
 * with status `error`, from which nothing transitions. test/model/compile/node-key.test.ts checks the
 * empty fields on every node state the checker reaches.
 */
function textOf(snapshot: AnyMachineSnapshot): string {
  return stableJson({ value: snapshot.value, context: snapshot.context, status: snapshot.status });
}

/**
 * Plain JSON, not {@link stableJson}: an event is built at one place in the code, its fields always in
 * the same order, and JSON.stringify is more than twice as fast on the hot path. Equal keys still mean
 * equal events; the same event built in another order would only take a second entry.
 */
const eventKey = (event: EventObject): string => JSON.stringify(event);

function memoOf(machine: AnyStateMachine): MachineMemo {
  let memo = memos.get(machine);
  if (!memo) {
    memo = { byText: new Map(), generation: 0, size: 0 };
    memos.set(machine, memo);
  }
  return memo;
}

/**
 * Empties a full memo. Stale records stay reachable from the snapshots still in use (as their text),
 * so their steps are dropped too: otherwise one live old snapshot would keep the old graph alive.
 */
function startOver(memo: MachineMemo): void {
  for (const record of memo.byText.values()) {
    record.steps.clear();
    record.cans.clear();
  }
  memo.byText.clear();
  memo.size = 0;
  memo.generation++;
}

/** The record of `snapshot` in `memo`: its own, or the one of an equal snapshot met before. */
function recordOf(memo: MachineMemo, snapshot: AnyMachineSnapshot): Interned {
  const known = interned.get(snapshot);
  if (known && known.memo === memo && known.generation === memo.generation) return known;
  const text = known?.text ?? textOf(snapshot);
  let record = memo.byText.get(text);
  if (!record) {
    record = {
      text,
      snapshot: freezeSnapshot(snapshot),
      memo,
      generation: memo.generation,
      steps: new Map(),
      cans: new Map(),
    };
    memo.byText.set(text, record);
    memo.size++;
  }
  interned.set(snapshot, record);
  return record;
}

/**
 * Cached results are handed to every caller that meets the same snapshot and event, so they must not
 * change: frozen once, when made (a cache miss already paid for an XState run, next to which this is
 * small). The machine and its state nodes are shared by design and left alone.
 */
function freezeSnapshot(snapshot: AnyMachineSnapshot): AnyMachineSnapshot {
  freezeDeep(snapshot.context);
  freezeDeep(snapshot.value);
  return Object.freeze(snapshot);
}

function freezeDeep(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const field of Object.values(value)) freezeDeep(field);
}

function describe(action: DescribedAction): DescribedAction {
  freezeDeep(action.params);
  return Object.freeze({ type: action.type, params: action.params });
}

/**
 * XState's pure `transition(machine, snapshot, event)`, memoized: equal snapshots (same value, context
 * and status) share one interned object, and an event equal to one already sent from it gets the same
 * next snapshot and actions without running XState. Both are shared
 * and frozen. Actions come back as their type and params only; XState's `info` and `exec` (the context,
 * the event, an inert actor) are not kept.
 * @internal
 */
export function memoTransition(
  machine: AnyStateMachine,
  snapshot: AnyMachineSnapshot,
  event: EventObject,
): MemoStep {
  if (!memoOn) {
    const [next, actions] = transition(machine, snapshot, event);
    return { next, actions: actions as DescribedAction[] };
  }
  const memo = memoOf(machine);
  // room for what this call may add (the snapshot, the next one, the step), so no record goes stale mid-call
  if (memo.size + 3 > MEMO_CAP) startOver(memo);
  const from = recordOf(memo, snapshot);
  const key = eventKey(event);
  const known = from.steps.get(key);
  if (known) return known;
  const [next, actions] = transition(machine, from.snapshot, event);
  const to = next === from.snapshot ? from : recordOf(memo, next);
  const step: MemoStep = Object.freeze({
    next: to.snapshot,
    actions: Object.freeze((actions as DescribedAction[]).map(describe)),
  });
  from.steps.set(key, step);
  memo.size++;
  return step;
}

/**
 * `snapshot.can(event)`, memoized like {@link memoTransition}: the node asks it several times per input
 * (which thread can run, which event the COLO thread takes next), and each answer runs XState's
 * transition selection.
 * @internal
 */
export function memoCan(snapshot: AnyMachineSnapshot, event: EventObject): boolean {
  if (!memoOn) return snapshot.can(event);
  const memo = memoOf(snapshot.machine);
  if (memo.size + 2 > MEMO_CAP) startOver(memo);
  const record = recordOf(memo, snapshot);
  const key = eventKey(event);
  let can = record.cans.get(key);
  if (can === undefined) {
    can = record.snapshot.can(event);
    record.cans.set(key, can);
    memo.size++;
  }
  return can;
}

/**
 * The canonical text of a machine snapshot: stable JSON of its value, context and status. Made once per
 * interned snapshot, so node keys built from it cost a lookup for every snapshot the memo handed out.
 * @internal
 */
export function snapshotText(snapshot: AnyMachineSnapshot): string {
  if (!memoOn) return textOf(snapshot);
  const known = interned.get(snapshot);
  if (known) return known.text;
  const memo = memoOf(snapshot.machine);
  if (memo.size + 1 > MEMO_CAP) startOver(memo);
  return recordOf(memo, snapshot).text;
}

/**
 * Runs `run` with every transition and `can` going straight to XState and every snapshot text made
 * afresh, nothing read from or added to the memo: the reference the memo is tested against.
 * @internal
 */
export function withoutTransitionMemo<T>(run: () => T): T {
  const was = memoOn;
  memoOn = false;
  try {
    return run();
  } finally {
    memoOn = was;
  }
}

/**
 * How many entries one machine's memo holds now (at most {@link MEMO_CAP}), how many of them are
 * snapshots, and how many times it started over.
 * @internal
 */
export function transitionMemoSize(machine: AnyStateMachine): {
  entries: number;
  snapshots: number;
  generation: number;
} {
  const memo = memos.get(machine);
  return memo
    ? { entries: memo.size, snapshots: memo.byText.size, generation: memo.generation }
    : { entries: 0, snapshots: 0, generation: 0 };
}
