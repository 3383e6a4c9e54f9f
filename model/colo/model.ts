import {
  applyInput,
  type ColoMessage,
  channelState,
  createNode,
  type Effect,
  enabledThreads,
  type NodeInput,
  type NodeRole,
  type NodeState,
  type NodeThread,
  PROFILES,
  type ProfileName,
} from '../../machines/index.js';
import { Property } from '../engine/index.js';
import type { Model } from '../engine/types.js';
import { type FixName, fixesWithout } from './fixes.js';

/** What a composed system is built from. @public */
export interface ColoModelOptions {
  /** Multifd channels (0: RAM on the main channel). */
  readonly multifd?: number;
  /** Fault budget: yanks, kills, link breaks, x-colo-lost-heartbeat and migrate_cancel together. Default 1. */
  readonly faults?: number;
  /** Checkpoint triggers (colo_checkpoint_event set by the timer or colo-compare). Default 1. */
  readonly checkpoints?: number;
  readonly profile?: ProfileName;
  /** Fixes switched off. */
  readonly withoutFix?: readonly FixName[];
  /** The faults the injector may fire (default: all of FAULT_KINDS). */
  readonly faultKinds?: readonly FaultKind[];
  /** The sides yank, kill and heartbeat may hit (default both). */
  readonly faultSides?: readonly NodeRole[];
}

/** Every fault the injector knows. @public */
export const FAULT_KINDS = ['yank', 'kill', 'heartbeat', 'cancel', 'link-break'] as const;

/** An item in flight from the primary to the secondary on the main channel. @public */
export type MainItem = ColoMessage | 'ram' | 'device';

/** One fault the injector can fire. @public */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A step of the composed system. @public */
export type ColoAction =
  | { readonly t: 'step'; readonly side: NodeRole; readonly thread: NodeThread }
  | { readonly t: 'deliver'; readonly to: NodeRole }
  | { readonly t: 'channel-error'; readonly to: NodeRole }
  | { readonly t: 'multifd'; readonly channel: number }
  | { readonly t: 'trigger' }
  | { readonly t: 'fault'; readonly fault: FaultKind; readonly side: NodeRole };

/** Which of a node's channels were shut (yank, failover, cancel). @public */
export interface Shut {
  readonly main: boolean;
  readonly multifd: boolean;
}

/** The composed system: two QEMU processes, the links between them, the fault injector's bookkeeping. @public */
export interface ColoState {
  readonly p: NodeState;
  readonly s: NodeState;
  readonly dead: { readonly primary: boolean; readonly secondary: boolean };
  /** Main channel, primary -> secondary (COLO messages, the RAM stream with its EOF, the device blob). */
  readonly toS: readonly MainItem[];
  /** Return path, secondary -> primary. */
  readonly toP: readonly ColoMessage[];
  /** Multifd channels, primary -> secondary. */
  readonly mfd: readonly (readonly ('data' | 'sync')[])[];
  readonly broken: boolean;
  readonly shut: { readonly primary: Shut; readonly secondary: Shut };
  /** The main channel's error has been reported to that side. */
  readonly errored: { readonly primary: boolean; readonly secondary: boolean };
  readonly faults: number;
  readonly triggers: number;
  /** x-colo-lost-heartbeat issued (and refused) per side. */
  readonly hb: { readonly primary: boolean; readonly secondary: boolean };
  readonly hbRefused: { readonly primary: boolean; readonly secondary: boolean };
  /** Device blobs the secondary received whole, and colo cache flushes it made. */
  readonly blobs: number;
  readonly flushes: number;
  /** A multifd receive thread stored pages into a released colo cache. */
  readonly cacheUaf: boolean;
  /** The primary's return-path QEMUFile was dereferenced after qemu_fclose. */
  readonly fileUaf: boolean;
}

const peerOf = (side: NodeRole): NodeRole => (side === 'primary' ? 'secondary' : 'primary');
/**
 * One side's node (its machines and QEMU objects) in a composed state. Use this rather than the state's
 * fields: how the composed state stores its nodes is the checker's business.
 * @public
 */
export const nodeOf = (st: ColoState, side: NodeRole): NodeState => (side === 'primary' ? st.p : st.s);

/** A mutable draft of the state for one action. */
type Draft = { -readonly [K in keyof ColoState]: ColoState[K] };

function canWrite(st: Draft, side: NodeRole, channel: 'main' | 'multifd'): boolean {
  return !st.broken && !st.shut[side][channel] && !st.dead[peerOf(side)] && !st.shut[peerOf(side)][channel];
}

/** Applies an input to one node and books its effects: link queues, lifetimes, flags. */
function apply(st: Draft, side: NodeRole, input: NodeInput): void {
  if (st.dead[side]) return;
  const { node, effects } = applyInput(nodeOf(st, side), input);
  if (side === 'primary') st.p = node;
  else st.s = node;
  for (const effect of effects) book(st, side, effect);
}

function book(st: Draft, side: NodeRole, effect: Effect): void {
  switch (effect.kind) {
    case 'send':
      if (!canWrite(st, side, 'main')) return;
      if (side === 'primary') st.toS = [...st.toS, effect.message];
      else st.toP = [...st.toP, effect.message];
      return;
    case 'send-ram':
      if (canWrite(st, side, 'main')) {
        st.toS = [...st.toS, 'ram'];
        apply(st, side, { kind: 'io', completion: 'ram-sent' });
      } else apply(st, side, { kind: 'io', completion: 'channel-error' });
      return;
    case 'send-device-state':
      if (canWrite(st, side, 'main')) st.toS = [...st.toS, 'device'];
      return;
    case 'multifd-write':
      st.mfd = st.mfd.map((q, i) => (i === effect.channel ? [...q, effect.packet] : q));
      return;
    case 'shutdown-channels': {
      const scope = effect.scope ?? 'all';
      const old = st.shut[side];
      const next = {
        main: old.main || scope !== 'multifd',
        multifd: old.multifd || scope !== 'main',
      };
      st.shut = { ...st.shut, [side]: next };
      return;
    }
    case 'store-pages':
      if (st.s.coloCache === 'released') st.cacheUaf = true;
      return;
    case 'file-access':
      if (effect.freed) st.fileUaf = true;
      return;
    case 'flush-ram-cache':
      st.flushes += 1;
      return;
    case 'qmp-reply':
      if (effect.id === 'hb' && 'error' in effect.reply) st.hbRefused = { ...st.hbRefused, [side]: true };
      return;
    default:
      return;
  }
}

/** Where a side's main-channel read stands: an item to deliver, an error to report, or nothing yet. */
function mainRead(st: ColoState, side: NodeRole): 'deliver' | 'error' | null {
  if (st.dead[side]) return null;
  const node = nodeOf(st, side);
  if (node.colo === null || node.colo.status !== 'active') return null;
  const queue = side === 'primary' ? st.toP : st.toS;
  const local = st.shut[side].main || st.broken;
  if (!local && queue.length > 0) return 'deliver';
  if (st.errored[side]) return null;
  const peer = peerOf(side);
  if (local || st.dead[peer] || st.shut[peer].main) return 'error';
  return null;
}

/** What the secondary's multifd channel `i`, blocked reading, gets next. */
function multifdRead(st: ColoState, i: number): 'packet' | 'sync-packet' | 'eof' | 'read-error' | null {
  if (st.dead.secondary || channelState(st.s, i) !== 'read') return null;
  if (st.shut.secondary.multifd || st.broken) return 'read-error';
  const head = st.mfd[i]?.[0];
  if (head) return head === 'data' ? 'packet' : 'sync-packet';
  if (st.dead.primary || st.shut.primary.multifd) return 'eof';
  return null;
}

const WRITING = new Set(['write-job', 'write-sync', 'init']);

const PRIMARY_IDLE = new Set(['wait-checkpoint-event', 'wait-exit-event']);
const SECONDARY_IDLE = new Set(['wait-checkpoint-request', 'wait-incoming-event']);
const MULTIFD_MAIN_IDLE = new Set(['idle', 'synced', 'failed']);

/** A live node with nothing to do is quiescent, not hung: its threads wait only where waiting is legitimate. */
function quiescent(node: NodeState): boolean {
  if (node.joiningColo || node.qmpQueue.length > 0 || node.ramPhase !== 'idle' || node.failoverBh)
    return false;
  const colo = node.colo;
  if (colo && colo.status === 'active') {
    const idle = node.config.role === 'primary' ? PRIMARY_IDLE : SECONDARY_IDLE;
    if (!idle.has(String(colo.value))) return false;
  }
  const multifd = node.multifdSend ?? node.multifdRecv;
  if (multifd && !MULTIFD_MAIN_IDLE.has((multifd.value as Record<string, string>).main ?? '')) return false;
  return true;
}

/** The side runs as the service: the PVM whenever it runs; the SVM once it left COLO. */
export function isService(st: ColoState, side: NodeRole): boolean {
  if (st.dead[side]) return false;
  const node = nodeOf(st, side);
  if (node.vm !== 'running') return false;
  return side === 'primary' || node.incoming.value !== 'colo';
}

function encodeNode(n: NodeState): unknown[] {
  const mf = n.multifdSend ?? n.multifdRecv;
  return [
    n.source.value,
    n.incoming.value,
    n.failover.value,
    n.colo ? [n.colo.value, n.colo.status] : 0,
    mf ? [mf.value, mf.context] : 0,
    n.vm,
    n.qemuEvents,
    n.failoverBh,
    n.joiningColo,
    n.inbox.map((m) => m.message),
    n.completions,
    n.coloCache,
    n.lastExitReason,
    n.lastColoMode,
    n.checkpoints,
    n.qmpQueue.map((q) => q.command),
    n.ramPhase,
    n.joinPhase,
    n.rp,
  ];
}

/** `states`-`transitions` of the bring-up, followed deterministically until both sides wait in COLO. */
function bringUp(options: ColoModelOptions): ColoState {
  const profile = PROFILES[options.profile ?? 'qemu-11.0'];
  const fixes = fixesWithout(options.withoutFix ?? []);
  const multifd = options.multifd ?? 0;
  const channels = multifd > 0 ? { multifd } : {};
  const colo = { capabilities: [{ capability: 'x-colo', state: true }] };
  let st: Draft = {
    p: createNode({ role: 'primary', profile, fixes, ...channels }),
    s: createNode({ role: 'secondary', profile, fixes, ...channels }),
    dead: { primary: false, secondary: false },
    toS: [],
    toP: [],
    mfd: Array.from({ length: multifd }, () => []),
    broken: false,
    shut: { primary: { main: false, multifd: false }, secondary: { main: false, multifd: false } },
    errored: { primary: false, secondary: false },
    faults: 0,
    triggers: 0,
    hb: { primary: false, secondary: false },
    hbRefused: { primary: false, secondary: false },
    blobs: 0,
    flushes: 0,
    cacheUaf: false,
    fileUaf: false,
  };
  const qmp = (side: NodeRole, command: string, args?: Record<string, unknown>) =>
    apply(st, side, { kind: 'qmp', command, id: command, ...(args ? { arguments: args } : {}) });
  const migration = (side: NodeRole, event: string) => apply(st, side, { kind: 'migration', event });
  qmp('secondary', 'migrate-set-capabilities', colo);
  qmp('secondary', 'migrate-incoming', { uri: 'tcp:0:0' });
  qmp('primary', 'migrate-set-capabilities', colo);
  qmp('primary', 'cont');
  qmp('primary', 'migrate', { uri: 'tcp:0:0' });
  migration('secondary', 'load-start');
  if (profile.enableColoCommand) migration('secondary', 'enable-colo');
  migration('primary', 'setup-done');
  if (profile.switchoverThroughDevice) migration('primary', 'switchover');
  migration('primary', 'completion-done');
  migration('secondary', 'stream-loaded');
  // settle: the first enabled action (never a fault or a trigger) until none is left
  const model = new ColoModel({ ...options, faults: 0, checkpoints: 0 });
  const out: ColoAction[] = [];
  for (let i = 0; i < 1000; i++) {
    out.length = 0;
    model.actions(st, out);
    const next = out[0] ? model.nextState(st, out[0]) : null;
    if (!next) return st;
    st = next as Draft;
  }
  throw new Error('colo model: the bring-up did not settle');
}

/**
 * The composed COLO system (primary and secondary node, main channel and return path, multifd channels,
 * a fault injector) as a Model for the engine. Every protocol transition happens inside machines/ via
 * applyInput; this class routes what the nodes emit through FIFO queues, injects faults, and books
 * lifetimes for the properties.
 * @public
 */
export class ColoModel implements Model<ColoState, ColoAction> {
  readonly faultBudget: number;
  readonly checkpointBudget: number;
  readonly channels: number;
  private init: ColoState | null = null;

  constructor(readonly options: ColoModelOptions = {}) {
    this.faultBudget = options.faults ?? 1;
    this.checkpointBudget = options.checkpoints ?? 1;
    this.channels = options.multifd ?? 0;
    this.kinds = new Set(options.faultKinds ?? FAULT_KINDS);
  }
  private readonly kinds: ReadonlySet<FaultKind>;

  initStates(): ColoState[] {
    this.init ??= bringUp(this.options);
    return [this.init];
  }

  actions(st: ColoState, out: ColoAction[]): void {
    for (const side of ['primary', 'secondary'] as const) {
      if (st.dead[side]) continue;
      for (const thread of enabledThreads(nodeOf(st, side))) out.push({ t: 'step', side, thread });
      // a primary send thread stuck writing to a dead socket gets the write error instead of a step
      if (side === 'primary') {
        for (let i = 0; i < this.channels; i++) {
          const state = channelState(st.p, i);
          if (state && WRITING.has(state) && !canWrite(st as Draft, 'primary', 'multifd')) {
            const has = out.some(
              (a) => a.t === 'step' && a.side === 'primary' && a.thread === `multifd-${i}`,
            );
            if (!has) out.push({ t: 'step', side, thread: `multifd-${i}` });
          }
        }
      }
      const read = mainRead(st, side);
      if (read === 'deliver') out.push({ t: 'deliver', to: side });
      else if (read === 'error') out.push({ t: 'channel-error', to: side });
    }
    for (let i = 0; i < this.channels; i++) if (multifdRead(st, i)) out.push({ t: 'multifd', channel: i });
    if (
      st.triggers < this.checkpointBudget &&
      !st.dead.primary &&
      st.p.colo?.status === 'active' &&
      !st.p.qemuEvents.checkpoint
    )
      out.push({ t: 'trigger' });
    if (st.faults >= this.faultBudget) return;
    const k = this.kinds;
    for (const side of this.options.faultSides ?? (['primary', 'secondary'] as const)) {
      if (st.dead[side]) continue;
      if (k.has('yank')) out.push({ t: 'fault', fault: 'yank', side });
      if (k.has('kill')) out.push({ t: 'fault', fault: 'kill', side });
      if (k.has('heartbeat') && !st.hb[side]) out.push({ t: 'fault', fault: 'heartbeat', side });
    }
    if (k.has('cancel') && !st.dead.primary) out.push({ t: 'fault', fault: 'cancel', side: 'primary' });
    if (k.has('link-break') && !st.broken) out.push({ t: 'fault', fault: 'link-break', side: 'primary' });
  }

  nextState(prev: ColoState, a: ColoAction): ColoState | null {
    const st: Draft = { ...prev };
    switch (a.t) {
      case 'step': {
        const thread = a.thread;
        if (a.side === 'primary' && thread.startsWith('multifd-')) {
          const channel = Number(thread.slice('multifd-'.length));
          const state = channelState(st.p, channel);
          if (state && WRITING.has(state) && !canWrite(st, 'primary', 'multifd')) {
            apply(st, 'primary', { kind: 'multifd', channel, event: 'write-error' });
            break;
          }
        }
        apply(st, a.side, { kind: 'step', thread });
        break;
      }
      case 'deliver': {
        if (a.to === 'primary') {
          const [message, ...rest] = st.toP;
          st.toP = rest;
          apply(st, 'primary', { kind: 'peer', message: message! });
        } else {
          const [item, ...rest] = st.toS;
          st.toS = rest;
          if (item === 'ram') apply(st, 'secondary', { kind: 'io', completion: 'ram-loaded' });
          else if (item === 'device') {
            st.blobs += 1;
            apply(st, 'secondary', { kind: 'io', completion: 'device-state-received' });
          } else apply(st, 'secondary', { kind: 'peer', message: item! });
        }
        break;
      }
      case 'channel-error':
        st.errored = { ...st.errored, [a.to]: true };
        apply(st, a.to, { kind: 'io', completion: 'channel-error' });
        break;
      case 'multifd': {
        const event = multifdRead(st, a.channel);
        if (!event) return null;
        if (event === 'packet' || event === 'sync-packet')
          st.mfd = st.mfd.map((q, i) => (i === a.channel ? q.slice(1) : q));
        apply(st, 'secondary', { kind: 'multifd', channel: a.channel, event });
        break;
      }
      case 'trigger':
        st.triggers += 1;
        apply(st, 'primary', { kind: 'timer' });
        break;
      case 'fault':
        st.faults += 1;
        this.fault(st, a.fault, a.side);
        break;
    }
    return st;
  }

  private fault(st: Draft, fault: FaultKind, side: NodeRole): void {
    switch (fault) {
      case 'yank':
        apply(st, side, { kind: 'qmp', command: 'yank', id: 'yank', oob: true });
        return;
      case 'kill':
        st.dead = { ...st.dead, [side]: true };
        // what was in flight to the dead side is gone; what it sent before dying still arrives
        if (side === 'secondary') {
          st.toS = [];
          st.mfd = st.mfd.map(() => []);
        } else st.toP = [];
        return;
      case 'heartbeat':
        st.hb = { ...st.hb, [side]: true };
        apply(st, side, { kind: 'qmp', command: 'x-colo-lost-heartbeat', id: 'hb' });
        return;
      case 'cancel':
        apply(st, side, { kind: 'qmp', command: 'migrate_cancel', id: 'cancel' });
        return;
      case 'link-break':
        st.broken = true;
        st.toS = [];
        st.toP = [];
        st.mfd = st.mfd.map(() => []);
        return;
    }
  }

  properties(): Property<ColoState>[] {
    return COLO_PROPERTIES.map((p) => p.property(this));
  }

  encode(st: ColoState): string {
    return JSON.stringify([
      encodeNode(st.p),
      encodeNode(st.s),
      st.dead,
      st.toS,
      st.toP,
      st.mfd,
      st.broken,
      st.shut,
      st.errored,
      st.faults,
      st.triggers,
      st.hb,
      st.hbRefused,
      st.blobs,
      st.flushes,
      st.cacheUaf,
      st.fileUaf,
    ]);
  }

  isEndState(st: ColoState): boolean {
    return (['primary', 'secondary'] as const).every((side) => st.dead[side] || quiescent(nodeOf(st, side)));
  }

  describeAction(a: ColoAction): string {
    switch (a.t) {
      case 'step':
        return `${a.side} ${a.thread} steps`;
      case 'deliver':
        return `link delivers to ${a.to}`;
      case 'channel-error':
        return `${a.to} reads a channel error`;
      case 'multifd':
        return `multifd channel ${a.channel} delivers to secondary`;
      case 'trigger':
        return 'checkpoint trigger (colo_checkpoint_event)';
      case 'fault':
        return a.fault === 'link-break' ? 'FAULT link break' : `FAULT ${a.fault} ${a.side}`;
    }
  }

  process(a: ColoAction): number {
    switch (a.t) {
      case 'step': {
        const base = a.side === 'primary' ? 0 : 100;
        if (a.thread === 'colo') return base;
        if (a.thread === 'main-loop') return base + 1;
        return base + 10 + Number(a.thread.slice('multifd-'.length));
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

/** How a property counts: a violation fails the check; a finding is reported with its trace but does not. */
export type PropertyClass = 'violation' | 'finding';

/** A named property of the composed system. @public */
export interface ColoProperty {
  readonly name: string;
  readonly kind: 'safety' | 'liveness';
  readonly counts: PropertyClass;
  readonly description: string;
  readonly property: (model: ColoModel) => Property<ColoState>;
}

/** Every property the checker evaluates (deadlock is the engine's own, named `deadlock`). @public */
export const COLO_PROPERTIES: readonly ColoProperty[] = [
  {
    name: 'takeover-holds-complete-checkpoint',
    kind: 'safety',
    counts: 'violation',
    description:
      'a secondary that took over holds every checkpoint the primary completed, and never flushed its colo cache without the whole checkpoint (RAM and device blob) received',
    property: () =>
      Property.always(
        'takeover-holds-complete-checkpoint',
        (st) =>
          st.flushes <= st.blobs && (!isService(st, 'secondary') || st.s.checkpoints >= st.p.checkpoints),
      ),
  },
  {
    name: 'output-commit',
    kind: 'safety',
    counts: 'violation',
    description:
      'the primary counts a checkpoint (and resumes the PVM, releasing its output) only after the secondary loaded it',
    property: () => Property.always('output-commit', (st) => st.p.checkpoints <= st.s.checkpoints),
  },
  {
    name: 'no-released-cache-access',
    kind: 'safety',
    counts: 'violation',
    description: 'no multifd receive thread stores pages into the colo cache after colo_release_ram_cache',
    property: () => Property.always('no-released-cache-access', (st) => !st.cacheUaf),
  },
  {
    name: 'no-closed-file-access',
    kind: 'safety',
    counts: 'violation',
    description: "no thread shuts down the primary's return-path QEMUFile after it was fclosed",
    property: () => Property.always('no-closed-file-access', (st) => !st.fileUaf),
  },
  {
    name: 'split-brain',
    kind: 'safety',
    counts: 'finding',
    description:
      'both sides run as the service (the secondary left COLO and runs while the primary runs): a finding, expected when a heartbeat is issued on a healthy pair',
    property: () =>
      Property.always('split-brain', (st) => !(isService(st, 'primary') && isService(st, 'secondary'))),
  },
  {
    name: 'heartbeat-side-runs',
    kind: 'liveness',
    counts: 'violation',
    description:
      'after an accepted x-colo-lost-heartbeat on a surviving side, that side eventually runs as the service (weak fairness per thread)',
    property: (model) =>
      Property.eventually('heartbeat-side-runs', (st) => {
        const sides = (['primary', 'secondary'] as const).filter((side) => st.hb[side]);
        if (sides.length === 0) return st.faults >= model.faultBudget;
        return sides.every(
          (side) =>
            st.dead[side] ||
            st.hbRefused[side] ||
            (isService(st, side) && nodeOf(st, side).failover.value === 'completed'),
        );
      }),
  },
];

/** Builds the composed model; the factory worker threads call. @public */
export function createColoModel(options: ColoModelOptions = {}): ColoModel {
  return new ColoModel(options);
}
