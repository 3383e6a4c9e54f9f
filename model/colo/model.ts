import {
  type ColoMessage,
  faultOnLinks,
  inputOfItem,
  type NodeConfig,
  type NodeInput,
  type NodeRole,
  PROFILES,
} from '../../machines/index.js';
import type { NodeEntry } from '../compile/index.js';
import type { Property, WordEncoding } from '../engine/index.js';
import type { Model } from '../engine/types.js';
import { ActionSet, describeColoAction } from './action-set.js';
import { coloAmple } from './ample.js';
import { bringUp } from './bring-up.js';
import { Composition } from './composition.js';
import { decodeColo, encodeColo } from './encode.js';
import { fixesWithout } from './fixes.js';
import { mainRead, maskOf, multifdRead, writeFails } from './links.js';
import { checkpointTimerArmed, type NodeFacts } from './node-facts.js';
import { bitOf, counter, DEAD, FLAG, increment, itemOf } from './packing.js';
import { COLO_PROPERTIES } from './properties.js';
import {
  type ColoAction,
  type ColoModelOptions,
  type ColoState,
  type Draft,
  draftOf,
  FAULT_KINDS,
  type FaultKind,
} from './state.js';

/**
 * A composed state as a worker thread receives it: its fingerprint words (each node by its key's hash;
 * the key itself goes once per destination in a {@link NodeDictionary}).
 * @public
 */
export type PackedColoState = Uint32Array;

/** Node keys a worker has not sent to a destination yet, per side. @public */
export interface NodeDictionary {
  primary: string[];
  secondary: string[];
}

/**
 * The composed COLO system (primary and secondary node, main channel and return path, multifd channels,
 * a fault injector) as a Model for the engine. Every protocol transition happens inside machines/ (run
 * once per node state and input by the compiled tables); this class routes what the nodes emit through
 * FIFO queues, injects faults, and books lifetimes for the properties.
 * @example
 * ```ts
 * const report = checker(createColoModel({ multifd: 2 })).spawnBfs();
 * ```
 * @public
 */

/**
 * The faults that act on the links alone (machines/link `faultOnLinks`: a killed process, a broken
 * link) rather than feeding the node a QMP command ({@link ColoModel.faultInput} gives null for them).
 * @internal
 */
export const isLinkFault = (fault: FaultKind): fault is 'kill' | 'link-break' =>
  fault === 'kill' || fault === 'link-break';
export class ColoModel implements Model<ColoState, ColoAction> {
  readonly faultBudget: number;
  readonly checkpointBudget: number;
  readonly channels: number;
  /** The two nodes' compiled tables and the input alphabet (what the Promela export prints). */
  readonly composition: Composition;
  /** The faults the injector may fire. */
  readonly kinds: ReadonlySet<FaultKind>;
  /** The sides yank, kill and heartbeat may hit. */
  readonly sides: readonly NodeRole[];
  private readonly actionSet: ActionSet;
  /** Per destination worker: the node entries whose keys went there, and those still to send. */
  private readonly sent: Array<Set<NodeEntry<NodeFacts>>> = [];
  private readonly unsent: NodeDictionary[] = [];
  private init: ColoState | null = null;
  /** Every fault the injector may fire, with the flags that rule it out (its side dead, …). */
  private readonly faultActions: readonly { readonly action: ColoAction; readonly blockedBy: number }[];
  /** The interned input each main-channel item is for its reader (machines/link `inputOfItem`). */
  private readonly deliveredInputs = new Map<ReturnType<typeof itemOf>, NodeInput>();
  /** Every multifd link empty: shared by the states that cleared them. */
  private readonly emptyLinks: readonly number[];

  constructor(readonly options: ColoModelOptions = {}) {
    this.faultBudget = options.faults ?? 1;
    this.checkpointBudget = options.checkpoints ?? 1;
    this.channels = options.multifd ?? 0;
    this.kinds = new Set(options.faultKinds ?? FAULT_KINDS);
    this.sides = options.faultSides ?? ['primary', 'secondary'];
    this.actionSet = new ActionSet(this.channels);
    this.faultActions = faultActions(this.actionSet, this.kinds, options.faultSides);
    this.emptyLinks = Object.freeze(Array.from({ length: this.channels }, () => 0));
    const config = (role: NodeRole): NodeConfig => ({
      role,
      profile: PROFILES[options.profile ?? 'qemu-11.0'],
      fixes: fixesWithout(options.withoutFix ?? [], options.withFix ?? []),
      ...(this.channels > 0 ? { multifd: this.channels } : {}),
    });
    this.composition = new Composition(config('primary'), config('secondary'));
  }

  initStates(): ColoState[] {
    this.init ??= bringUp(this.composition, this.options, (st) => {
      const out: ColoAction[] = [];
      this.enabled(st, out, false);
      return out[0] ? this.nextState(st, out[0]) : null;
    });
    return [this.init];
  }

  actions(st: ColoState, out: ColoAction[]): void {
    this.enabled(st, out, true);
  }

  private enabled(st: ColoState, out: ColoAction[], injector: boolean): void {
    const set = this.actionSet;
    const flags = st.flags;
    const primaryAlive = (flags & DEAD.primary) === 0;
    const secondaryAlive = (flags & DEAD.secondary) === 0;
    if (primaryAlive) {
      const steps = set.stepsOf('primary', st.p);
      for (let i = 0; i < steps.length; i++) out.push(steps[i]!);
      for (let i = 0; i < this.channels; i++) {
        const thread = set.channelThreads[i]!;
        if (writeFails(st, i) && !st.p.facts.threads.includes(thread)) out.push(set.step('primary', thread));
      }
      const read = mainRead(st, 'primary');
      if (read === 'deliver') out.push(set.deliver.primary);
      else if (read === 'error') out.push(set.channelError.primary);
    }
    if (secondaryAlive) {
      const steps = set.stepsOf('secondary', st.s);
      for (let i = 0; i < steps.length; i++) out.push(steps[i]!);
      const read = mainRead(st, 'secondary');
      if (read === 'deliver') out.push(set.deliver.secondary);
      else if (read === 'error') out.push(set.channelError.secondary);
    }
    for (let i = 0; i < this.channels; i++) if (multifdRead(st, i)) out.push(set.multifd[i]!);
    if (!injector) return;
    const counters = st.counters;
    if (
      counter(counters, 'triggers') < this.checkpointBudget &&
      primaryAlive &&
      checkpointTimerArmed(st.p.facts)
    )
      out.push(set.trigger);
    if (counter(counters, 'faults') >= this.faultBudget) return;
    for (const fault of this.faultActions) if ((flags & fault.blockedBy) === 0) out.push(fault.action);
  }

  nextState(prev: ColoState, a: ColoAction): ColoState | null {
    const st = draftOf(prev);
    const composition = this.composition;
    const inputs = composition.inputs;
    switch (a.t) {
      case 'step': {
        const channel = a.side === 'primary' ? this.actionSet.channelOf(a) : -1;
        if (channel >= 0 && writeFails(st, channel))
          composition.apply(st, 'primary', inputs.multifd(channel, 'write-error'));
        else composition.apply(st, a.side, inputs.step(a.thread));
        break;
      }
      case 'deliver': {
        if (a.to === 'primary') {
          if (st.toP === 0) return null;
          const message = itemOf(st.toP & 15) as ColoMessage;
          st.toP >>>= 4;
          composition.apply(st, 'primary', inputs.peer(message));
        } else {
          if (st.toS === 0) return null;
          const item = itemOf(st.toS & 15);
          st.toS >>>= 4;
          if (item === 'device') st.counters = increment(st.counters, 'blobs');
          composition.apply(st, 'secondary', this.deliveredInput(item));
        }
        break;
      }
      case 'channel-error':
        st.flags |= bitOf(FLAG.errored, a.to);
        composition.apply(st, a.to, inputs.io('channel-error'));
        break;
      case 'multifd': {
        const event = multifdRead(st, a.channel);
        if (!event) return null;
        if (event === 'packet' || event === 'sync-packet') {
          const mfd = st.mfd.slice();
          mfd[a.channel] = mfd[a.channel]! >>> 2;
          st.mfd = mfd;
        }
        composition.apply(st, 'secondary', inputs.multifd(a.channel, event));
        break;
      }
      case 'trigger':
        st.counters = increment(st.counters, 'triggers');
        composition.apply(st, 'primary', inputs.timer());
        break;
      case 'fault':
        st.counters = increment(st.counters, 'faults');
        this.fault(st, a.fault, a.side);
        break;
    }
    return st;
  }

  private fault(st: Draft, fault: FaultKind, side: NodeRole): void {
    if (fault === 'heartbeat') st.flags |= bitOf(FLAG.hb, side);
    if (isLinkFault(fault)) {
      this.linkFault(st, fault, side);
      return;
    }
    const input = this.faultInput(fault, side);
    if (input) this.composition.apply(st, side, input);
  }

  /**
   * The input a fault feeds the node it hits (a QMP command), or null for the faults that act on the
   * links alone (kill, link break). The table closure (closure.ts) feeds the same objects.
   * @internal
   */
  faultInput(fault: FaultKind, _side: NodeRole): NodeInput | null {
    const { inputs } = this.composition;
    switch (fault) {
      case 'yank':
        return inputs.qmp('yank', 'yank', true);
      case 'heartbeat':
        return inputs.qmp('x-colo-lost-heartbeat', 'hb');
      case 'cancel':
        return inputs.qmp('migrate_cancel', 'cancel');
      default:
        return null;
    }
  }

  /** The faults the injector may fire, each with the side it hits. @internal */
  get faults(): readonly Extract<ColoAction, { t: 'fault' }>[] {
    return this.faultActions.map(({ action }) => action as Extract<ColoAction, { t: 'fault' }>);
  }

  /** machines/link `faultOnLinks`: the facts it sets, the queues whose items are lost. */
  private linkFault(st: Draft, fault: 'kill' | 'link-break', side: NodeRole): void {
    const { set, emptied } = faultOnLinks(fault, side);
    st.flags |= maskOf(set);
    if (emptied.includes('to-secondary')) st.toS = 0;
    if (emptied.includes('to-primary')) st.toP = 0;
    if (emptied.includes('multifd')) st.mfd = this.emptyLinks;
  }

  /** machines/link `inputOfItem`, interned: what the secondary's read of a main-channel item applies. @internal */
  deliveredInput(item: ReturnType<typeof itemOf>): NodeInput {
    let input = this.deliveredInputs.get(item);
    if (!input) {
      const plain = inputOfItem(item);
      const { inputs } = this.composition;
      input =
        plain.kind === 'peer'
          ? inputs.peer(plain.message)
          : plain.kind === 'io'
            ? inputs.io(plain.completion)
            : plain;
      this.deliveredInputs.set(item, input);
    }
    return input;
  }

  properties(): Property<ColoState>[] {
    return COLO_PROPERTIES.filter((p) => p.applies?.(this) ?? true).map((p) => p.property(this));
  }

  encode(st: ColoState): WordEncoding {
    return encodeColo(st);
  }

  pack(st: ColoState, owner: number): PackedColoState {
    if (!this.sent[owner]) {
      this.sent[owner] = new Set();
      this.unsent[owner] = { primary: [], secondary: [] };
    }
    const known = this.sent[owner];
    const dictionary = this.unsent[owner]!;
    for (const [side, entry] of [
      ['primary', st.p],
      ['secondary', st.s],
    ] as const) {
      if (known.has(entry)) continue;
      known.add(entry);
      dictionary[side].push(entry.key);
    }
    const { words, length } = encodeColo(st);
    return words.slice(0, length);
  }

  dictionary(owner: number): NodeDictionary {
    const dictionary = this.unsent[owner] ?? { primary: [], secondary: [] };
    this.unsent[owner] = { primary: [], secondary: [] };
    return dictionary;
  }

  learn(dictionary: unknown): void {
    const { primary, secondary } = dictionary as NodeDictionary;
    for (const key of primary) this.composition.tables.primary.fromKey(key);
    for (const key of secondary) this.composition.tables.secondary.fromKey(key);
  }

  unpack(packed: unknown): ColoState {
    const { p: ph, s: sh, rest } = decodeColo(packed as PackedColoState, this.channels);
    const { primary, secondary } = this.composition.tables;
    const p = primary.fromHash(ph[0], ph[1]);
    const s = secondary.fromHash(sh[0], sh[1]);
    if (!p || !s) throw new Error('colo model: a state arrived before the dictionary naming its nodes');
    // through draftOf: the same object shape as every other state, so the hot path stays monomorphic
    return draftOf({ p, s, ...rest, mfd: Object.freeze(rest.mfd) });
  }

  /** The packed BFS frontier: both nodes by table index, the flags, counters and links as they are. */
  stateWords(): number {
    return 6 + this.channels;
  }

  storeState(st: ColoState, words: Uint32Array, offset: number): void {
    words[offset] = st.p.id;
    words[offset + 1] = st.s.id;
    words[offset + 2] = st.flags;
    words[offset + 3] = st.counters;
    words[offset + 4] = st.toS;
    words[offset + 5] = st.toP;
    const mfd = st.mfd;
    for (let i = 0; i < this.channels; i++) words[offset + 6 + i] = mfd[i]!;
  }

  loadState(words: Uint32Array, offset: number): ColoState {
    const { primary, secondary } = this.composition.tables;
    let mfd = this.emptyLinks;
    for (let i = 0; i < this.channels; i++) {
      if (words[offset + 6 + i] === 0) continue;
      const links: number[] = [];
      for (let j = 0; j < this.channels; j++) links.push(words[offset + 6 + j]!);
      mfd = links;
      break;
    }
    // field by field, as draftOf: one object shape for every state
    return {
      p: primary.entries[words[offset]!]!,
      s: secondary.entries[words[offset + 1]!]!,
      flags: words[offset + 2]!,
      counters: words[offset + 3]!,
      toS: words[offset + 4]!,
      toP: words[offset + 5]!,
      mfd,
    };
  }

  ample(
    st: ColoState,
    actions: readonly ColoAction[],
    successor: (k: number) => ColoState | null,
  ): readonly number[] | null {
    return coloAmple(st, actions, successor, this.channels);
  }

  isEndState(st: ColoState): boolean {
    return (
      ((st.flags & DEAD.primary) !== 0 || st.p.facts.quiescent) &&
      ((st.flags & DEAD.secondary) !== 0 || st.s.facts.quiescent)
    );
  }

  describeAction(a: ColoAction): string {
    return describeColoAction(a);
  }

  process(a: ColoAction): number {
    switch (a.t) {
      case 'step': {
        const base = a.side === 'primary' ? 0 : 100;
        const channel = this.actionSet.channelOf(a);
        if (channel >= 0) return base + 10 + channel;
        return a.thread === 'colo' ? base : base + 1;
      }
      case 'deliver':
        return a.to === 'primary' ? 200 : 201;
      case 'channel-error':
        return a.to === 'primary' ? 202 : 203;
      case 'multifd':
        return 210 + a.channel;
      case 'trigger':
        return 300;
      case 'fault':
        return 400;
    }
  }
}

/** The injector's faults in the order traces have always listed them, each with what rules it out. */
function faultActions(
  set: ActionSet,
  kinds: ReadonlySet<FaultKind>,
  sides: readonly NodeRole[] = ['primary', 'secondary'],
): { action: ColoAction; blockedBy: number }[] {
  const out: { action: ColoAction; blockedBy: number }[] = [];
  for (const side of sides) {
    const dead = DEAD[side];
    if (kinds.has('yank')) out.push({ action: set.fault.yank[side], blockedBy: dead });
    if (kinds.has('kill')) out.push({ action: set.fault.kill[side], blockedBy: dead });
    if (kinds.has('heartbeat'))
      out.push({ action: set.fault.heartbeat[side], blockedBy: dead | bitOf(FLAG.hb, side) });
  }
  if (kinds.has('cancel')) out.push({ action: set.fault.cancel.primary, blockedBy: DEAD.primary });
  if (kinds.has('link-break')) out.push({ action: set.fault['link-break'].primary, blockedBy: FLAG.broken });
  return out;
}

/** Builds the composed model; the factory worker threads call. @public */
export function createColoModel(options: ColoModelOptions = {}): ColoModel {
  return new ColoModel(options);
}
