import {
  faultOnLinks,
  itemOfEffect,
  type LinkFact,
  MULTIFD_RECV_BROKEN,
  MULTIFD_SENDER_GONE,
  mainReadFacts,
  mainReadVerdict,
  multifdReadVerdict,
  type NodeInput,
  type NodeRole,
  peerOf,
  sendCompletion,
  threadChannel,
  writeBlockedBy,
} from '../../machines/index.js';
import type { NodeEntry, NodeTable } from '../compile/index.js';
import { shutOf } from './composition.js';
import type { ColoModel } from './model.js';
import { checkpointTimerArmed, type NodeFacts } from './node-facts.js';
import { ITEMS } from './packing.js';

/** Sends of one item along one path past which the closure gives up (a loop that sends: no bound). */
const CAP = 64;

/** What compiling the node tables by closure did. @public */
export interface TableClosure {
  /** Node states in each side's table (the closure's and whatever the bring-up interned). */
  readonly entries: { readonly primary: number; readonly secondary: number };
  /** (node state, input) pairs compiled: machine runs. */
  readonly transitions: number;
  /**
   * Passes over both tables: each raises the deliveries a side may receive to the most its peer can send
   * along one path, until neither grows.
   */
  readonly rounds: number;
  /** Closure states expanded, every round, both sides. */
  readonly expanded: number;
  /**
   * What each side can send on its main channel: the distinct prefixes of its item sequences (the trie
   * the other side reads from) and the longest one.
   */
  readonly sent: {
    readonly primary: { readonly sequences: number; readonly longest: number };
    readonly secondary: { readonly sequences: number; readonly longest: number };
  };
  /** The most data and SYNC packets the primary writes on each multifd channel along one path. */
  readonly packets: Record<string, number>;
  readonly seconds: number;
}

const BOOLS = [false, true] as const;
const HEADS = [null, 'packet', 'sync-packet'] as const;

/**
 * The link facts one side's closure tracks, as bits: those it sets itself (its shut ends, its read
 * error), those a fault sets (broken, the peer dead) and those the peer sets whenever it likes (its shut
 * ends). All are monotone, as in the composition (nothing clears them).
 */
function factBits(side: NodeRole) {
  const peer = peerOf(side);
  const facts: LinkFact[] = [
    'broken',
    `dead:${peer}`,
    `shut-main:${side}`,
    `shut-multifd:${side}`,
    `errored:${side}`,
    `shut-main:${peer}`,
    `shut-multifd:${peer}`,
  ];
  const bit = (fact: LinkFact) => {
    const i = facts.indexOf(fact);
    return i < 0 ? 0 : 1 << i;
  };
  const mask = (list: readonly LinkFact[]) => list.reduce((m, f) => m | bit(f), 0);
  const read = mainReadFacts(side);
  return {
    bit,
    mask,
    local: mask(read.local),
    errored: mask(read.errored),
    peerGone: mask(read.peerGone),
    blocked: { main: mask(writeBlockedBy(side, 'main')), multifd: mask(writeBlockedBy(side, 'multifd')) },
    recvBroken: mask(MULTIFD_RECV_BROKEN),
    senderGone: mask(MULTIFD_SENDER_GONE),
    /** What the peer may do to the links at any time, without a fault. */
    peerShuts: [bit(`shut-main:${peer}`), bit(`shut-multifd:${peer}`)],
  };
}

/**
 * Compiles both node tables of a model without the composed search: each side's table is closed under
 * every input the composition could feed that node state, whatever the other node does. The closure
 * runs over (node state, link facts, timers fed, faults fed, items received, items sent): the link facts
 * are machines/link's (a side's own shut ends and read error follow its own steps; the peer's shut ends
 * may appear at any time; the link breaking and the peer dying cost a fault), and the reads and writes
 * are machines/link's verdicts on them (`mainReadVerdict`, `multifdReadVerdict`, `writeBlockedBy`, the
 * completion of a RAM send). A side is fed at most as many of each item (main-channel message, RAM,
 * device blob, multifd packet per channel) as the other side can send along one of its paths: the
 * two closures are run in rounds, each raising those counts, until neither grows. The bounds are the
 * configuration's own (checkpoints, faults) and what the peer sends; a side that could send an item
 * more than `cap` times along one path stops the closure with an error (no bound).
 *
 * It over-approximates what the composed search compiles (extra entries are harmless to an export; a
 * missing one would fail pan's `assert(tNext >= 0)`), and needs memory for node states only.
 * @example
 * ```ts
 * const model = createColoModel({ multifd: 4, faults: 2 });
 * const closure = closeTables(model); // then exportPromela(options, file, 'closure')
 * ```
 * @public
 */
export function closeTables(
  model: ColoModel,
  progress?: (entries: { primary: number; secondary: number }, expanded: number) => void,
  cap = CAP,
): TableClosure {
  const start = performance.now();
  const [init] = model.initStates();
  if (!init) throw new Error('table closure: the model has no initial state');
  const { inputs, tables } = model.composition;
  // what travels on links, one counter each: the main-channel items, then per multifd channel its data
  // and SYNC packets
  const M = ITEMS.length;
  const K = M + 2 * model.channels;
  const names = [
    ...ITEMS,
    ...Array.from({ length: model.channels }, (_, i) => [
      `multifd ${i} packet`,
      `multifd ${i} sync-packet`,
    ]).flat(),
  ];
  const itemIndex = new Map(ITEMS.map((item, i) => [item, i]));
  const indexOf = (moved: NonNullable<ReturnType<typeof itemOfEffect>>): number =>
    moved.queue === 'multifd'
      ? M + 2 * moved.channel + (moved.item === 'sync-packet' ? 1 : 0)
      : itemIndex.get(moved.item)!;
  const delivered = ITEMS.map((item) => model.deliveredInput(item));
  const FACTS = { primary: factBits('primary'), secondary: factBits('secondary') };
  // the faults that hit a side: a QMP command fed to it, or a link fact its closure sets
  const faultsOn = (side: NodeRole) => {
    const commands: NodeInput[] = [];
    const facts: number[] = [];
    for (const f of model.faults) {
      if (f.fault === 'kill' || f.fault === 'link-break') {
        const bits = FACTS[side].mask(faultOnLinks(f.fault, f.side).set);
        if (bits) facts.push(bits);
      } else if (f.side === side) {
        const input = model.faultInput(f.fault, side);
        if (input) commands.push(input);
      }
    }
    return { commands, facts };
  };
  const faultsOf = { primary: faultsOn('primary'), secondary: faultsOn('secondary') };
  // what each side may read off its main channel: a prefix of what the other side sent along one of its
  // paths (FIFO; a live reader loses nothing while it can still read), as a trie of the sender's sequences
  const tries: Record<NodeRole, { child: Map<number, number>; size: number }> = {
    primary: { child: new Map(), size: 1 },
    secondary: { child: new Map(), size: 1 },
  };
  const childOf = (sender: NodeRole, node: number, item: number, grow: boolean): number => {
    const trie = tries[sender];
    const key = node * 16 + item;
    let next = trie.child.get(key);
    if (next === undefined && grow) {
      next = trie.size++;
      trie.child.set(key, next);
    }
    return next ?? -1;
  };
  const depthOf: Record<NodeRole, number[]> = { primary: [0], secondary: [0] };
  // and, per multifd channel, at most as many data and SYNC packets as the primary can write on it
  const budget: number[] = Array(K).fill(0);
  let expanded = 0;
  const LINK = 0;
  const TIMERS = 1;
  const FAULTS = 2;
  const READ = 3;
  const WROTE = 4;
  const RECEIVED = 5;
  const SENT = 5 + K;

  /** One side's closure under the current budgets: the most of each multifd packet any of its paths sends. */
  const close = (side: NodeRole): number[] => {
    const table: NodeTable<NodeFacts> = tables[side];
    const bits = FACTS[side];
    const peer = peerOf(side);
    const seen = new Set<string>();
    const most: number[] = Array(K).fill(0);
    // a closure state: the entry, then [link facts, timers fed, faults fed, trie node read, trie node
    // written, multifd packets received per kind, multifd packets sent per kind]
    const work: [NodeEntry<NodeFacts>, number[]][] = [];
    const visit = (entry: NodeEntry<NodeFacts>, v: number[]) => {
      const key = `${entry.id}|${v.join(',')}`;
      if (seen.has(key)) return;
      seen.add(key);
      if ((++expanded & 0xffff) === 0)
        progress?.(
          { primary: tables.primary.entries.length, secondary: tables.secondary.entries.length },
          expanded,
        );
      for (let k = 0; k < K; k++) {
        const sent = v[SENT + k]!;
        if (sent > cap)
          throw new Error(
            `table closure: the ${side} can send ${names[k]} more than ${cap} times along one path: no bound, so no closure`,
          );
        if (sent > most[k]!) most[k] = sent;
      }
      work.push([entry, v]);
    };

    /** Applies an input and books its effects on the closure state (as Composition.apply does). */
    const apply = (from: NodeEntry<NodeFacts>, input: NodeInput, v: number[]) => {
      const { next, effects } = table.apply(from, input);
      let current = next;
      for (const effect of effects) {
        const shut = shutOf(effect);
        if (shut.main) v[LINK]! |= bits.bit(`shut-main:${side}`);
        if (shut.multifd) v[LINK]! |= bits.bit(`shut-multifd:${side}`);
        const moved = itemOfEffect(side, effect);
        if (!moved) continue;
        const writable = (v[LINK]! & bits.blocked.main) === 0;
        // a multifd packet always goes on its queue; a main-channel item only when the write can happen
        if (moved.queue === 'multifd') v[SENT + indexOf(moved)]!++;
        else if (writable) {
          const node = childOf(side, v[WROTE]!, indexOf(moved), true);
          const depth = depthOf[side][v[WROTE]!]! + 1;
          depthOf[side][node] = depth;
          if (depth > cap)
            throw new Error(
              `table closure: the ${side} can send more than ${cap} main-channel items along one path: no bound, so no closure`,
            );
          v[WROTE] = node;
        }
        const done = sendCompletion(effect, writable);
        if (done?.kind === 'io') current = apply(current, inputs.io(done.completion), v);
      }
      return current;
    };

    visit(side === 'primary' ? init.p : init.s, Array(SENT + K).fill(0));
    while (work.length > 0) {
      const [entry, v] = work.pop()!;
      const facts = entry.facts;
      const link = v[LINK]!;
      const feed = (input: NodeInput, field = -1) => {
        const w = v.slice();
        if (field >= 0) w[field]!++;
        visit(apply(entry, input, w), w);
      };
      const set = (mask: number, field = -1) => {
        if ((link | mask) === link) return;
        const w = v.slice();
        w[LINK] = link | mask;
        if (field >= 0) w[field]!++;
        visit(entry, w);
      };
      const writeFails = (i: number) =>
        side === 'primary' && facts.writing[i] === true && (link & bits.blocked.multifd) !== 0;
      for (const thread of facts.threads) {
        const channel = threadChannel(thread);
        if (channel < 0 || !writeFails(channel)) feed(inputs.step(thread));
      }
      for (let i = 0; i < model.channels; i++) if (writeFails(i)) feed(inputs.multifd(i, 'write-error'));
      // the main channel's read, whether or not something is queued
      for (const queued of BOOLS) {
        const verdict = mainReadVerdict(
          false,
          facts.coloActive,
          (link & bits.local) !== 0,
          queued,
          (link & bits.errored) !== 0,
          (link & bits.peerGone) !== 0,
        );
        if (verdict === 'deliver') {
          for (let k = 0; k < M; k++) {
            const node = childOf(peer, v[READ]!, k, false);
            if (node < 0) continue;
            const w = v.slice();
            w[READ] = node;
            visit(apply(entry, delivered[k]!, w), w);
          }
        } else if (verdict === 'error') {
          const w = v.slice();
          w[LINK]! |= bits.errored;
          visit(apply(entry, inputs.io('channel-error'), w), w);
        }
      }
      if (side === 'secondary')
        for (let i = 0; i < model.channels; i++)
          for (const head of HEADS) {
            const event = multifdReadVerdict(
              false,
              facts.reading[i] === true,
              (link & bits.recvBroken) !== 0,
              head,
              (link & bits.senderGone) !== 0,
            );
            if (!event) continue;
            // a packet only as often as the primary's side of the channel can write one
            const k = event === 'packet' ? M + 2 * i : event === 'sync-packet' ? M + 2 * i + 1 : -1;
            if (k < 0) feed(inputs.multifd(i, event));
            else if (v[RECEIVED + k]! < budget[k]!) feed(inputs.multifd(i, event), RECEIVED + k);
          }
      if (side === 'primary' && v[TIMERS]! < model.checkpointBudget && checkpointTimerArmed(facts))
        feed(inputs.timer(), TIMERS);
      for (const mask of bits.peerShuts) set(mask);
      if (v[FAULTS]! < model.faultBudget) {
        for (const input of faultsOf[side].commands) feed(input, FAULTS);
        for (const mask of faultsOf[side].facts) set(mask, FAULTS);
      }
    }
    return most;
  };

  let rounds = 0;
  for (;;) {
    rounds++;
    const sizes = [tries.primary.size, tries.secondary.size];
    const packets = close('primary');
    close('secondary');
    let raised = false;
    for (let k = 0; k < K; k++)
      if (packets[k]! > budget[k]!) {
        budget[k] = packets[k]!;
        raised = true;
      }
    if (!raised && sizes[0] === tries.primary.size && sizes[1] === tries.secondary.size) break;
  }
  const longest = (side: NodeRole) => Math.max(0, ...depthOf[side].filter((d) => d !== undefined));
  return {
    entries: { primary: tables.primary.entries.length, secondary: tables.secondary.entries.length },
    transitions: tables.primary.transitions + tables.secondary.transitions,
    rounds,
    expanded,
    sent: {
      primary: { sequences: tries.primary.size, longest: longest('primary') },
      secondary: { sequences: tries.secondary.size, longest: longest('secondary') },
    },
    packets: Object.fromEntries(names.flatMap((item, k) => (budget[k] ? [[item, budget[k]!]] : []))),
    seconds: (performance.now() - start) / 1000,
  };
}
