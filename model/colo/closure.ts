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
import { pushTriple, readTriple } from '../compile/triple.js';
import { shutOf } from './composition.js';
import { type ColoModel, isLinkFault } from './model.js';
import { checkpointTimerArmed, type NodeFacts } from './node-facts.js';
import { ITEMS } from './packing.js';

/** Sets the closure's visited states are spread over (each JavaScript Set is limited to 2^24 entries). */
const SEEN_SHARDS = 64;

/** Sends of one item along one path past which the closure gives up (a loop that sends: no bound). */
const CAP = 64;

/**
 * Called as a closure runs (every 65,536 closure states): the node states in each side's table so far
 * and the closure states expanded. @public
 */
export type ClosureProgress = (
  entries: { readonly primary: number; readonly secondary: number },
  expanded: number,
) => void;

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
  /**
   * Closure states expanded, both sides: each distinct one once, plus those a later round expanded
   * again because the peer's trie grew below what they know of it or a packet budget they met was raised.
   */
  readonly expanded: number;
  /**
   * What each side can send on its main channel: the distinct prefixes of its sequences of items and
   * shut ends (the trie the other side reads from) and the most items along one.
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
/**
 * A side's first shutdown of one of its ends is a step of its path in its trie, like a send, so its
 * reader sees it only where the sender's path has it. Its code (past the main-channel items' codes,
 * ITEMS) also carries what made it possible: the end (0 main, 1 multifd), the fault commands fed to the
 * sender so far (which its reader cannot see, but which spend the shared budget; at most 7 counted, fewer
 * is the weaker claim) and the link facts the sender saw that the reader sees too (bit 0 the link
 * broken, bits 1 and 2 the reader's own main and multifd ends shut).
 */
const SHUT = 16;
const shutCode = (end: 0 | 1, commands: number, seen: number): number =>
  SHUT + end * 64 + Math.min(commands, 7) * 8 + seen;
const shutEnd = (code: number): 0 | 1 => ((code - SHUT) >> 6 === 0 ? 0 : 1);
const shutCommands = (code: number): number => ((code - SHUT) >> 3) & 7;
const shutSeen = (code: number): number => (code - SHUT) & 7;
const HEADS = [null, 'packet', 'sync-packet'] as const;

/**
 * The link facts one side's closure tracks, as bits: those it sets itself (its shut ends, its read
 * error), those a fault sets (broken, the peer dead) and those the peer sets by its own steps (its shut
 * ends: seen where the peer's trie has them). All are monotone, as in the composition (nothing clears them).
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
    /** The peer's shut ends, main then multifd (see {@link shutCode}). */
    peerShut: [bit(`shut-main:${peer}`), bit(`shut-multifd:${peer}`)] as const,
    /** This side's own shut ends, likewise. */
    ownShut: [bit(`shut-main:${side}`), bit(`shut-multifd:${side}`)] as const,
    /** The facts set by a fault (each cost one): the link broken, the peer dead. */
    faultFacts: [bit('broken'), bit(`dead:${peer}`)] as const,
  };
}

/**
 * Compiles both node tables of a model without the composed search: each side's table is closed under
 * every input the composition could feed that node state, whatever the other node does. The closure
 * runs over (node state, link facts, timers fed, faults fed, items received, items sent, what is known
 * of the peer's path): the link facts are machines/link's (a side's own shut ends and read error follow
 * its own steps; the link breaking and the peer dying cost a fault; the peer's shut ends are steps of the
 * peer's paths, recorded in its trie with the fault commands fed to it and the link facts it saw, so a
 * side sees the peer shut an end only below what it knows of the peer's path, once it sees those facts
 * too and with those commands within the shared budget, and then reads only what the peer sent before
 * shutting), and the reads and writes
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
export function closeTables(model: ColoModel, progress?: ClosureProgress, cap = CAP): TableClosure {
  const start = performance.now();
  const [init] = model.initStates();
  if (!init) throw new Error('table closure: the model has no initial state');
  const { inputs, tables } = model.composition;
  // the main-channel items travel along the tries (below); the multifd packets are counted, per channel
  // its data and SYNC packets
  const M = ITEMS.length;
  const K = 2 * model.channels;
  const names = Array.from({ length: model.channels }, (_, i) => [
    `multifd ${i} packet`,
    `multifd ${i} sync-packet`,
  ]).flat();
  const itemIndex = new Map(ITEMS.map((item, i) => [item, i]));
  const packetOf = (channel: number, item: string): number => 2 * channel + (item === 'sync-packet' ? 1 : 0);
  const delivered = ITEMS.map((item) => model.deliveredInput(item));
  const FACTS = { primary: factBits('primary'), secondary: factBits('secondary') };
  // the faults that hit a side: a QMP command fed to it, or a link fact its closure sets
  const faultsOn = (side: NodeRole) => {
    const commands: NodeInput[] = [];
    const facts: number[] = [];
    for (const f of model.faults) {
      if (isLinkFault(f.fault)) {
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
  // paths (FIFO; a live reader loses nothing while it can still read), as a trie of the sender's sequences;
  // the sender's shut ends are steps of those sequences too (shutCode)
  interface Trie {
    readonly child: Map<number, number>;
    size: number;
    /** Each node's parent (-1 for the root), the code of the step into it, its children. */
    readonly parent: number[];
    readonly code: number[];
    readonly kids: number[][];
    /** The sender's fault commands behind the node: those of the nearest shut step at or above it. */
    readonly commands: number[];
  }
  const trie = (): Trie => ({
    child: new Map(),
    size: 1,
    parent: [-1],
    code: [-1],
    kids: [[]],
    commands: [0],
  });
  const tries: Record<NodeRole, Trie> = { primary: trie(), secondary: trie() };
  const childOf = (sender: NodeRole, node: number, item: number, grow: boolean): number => {
    const t = tries[sender];
    const key = node * 256 + item;
    let next = t.child.get(key);
    if (next === undefined && grow) {
      next = t.size++;
      t.child.set(key, next);
      t.parent[next] = node;
      t.code[next] = item;
      t.kids[next] = [];
      t.kids[node]!.push(next);
      t.commands[next] = item >= SHUT ? shutCommands(item) : t.commands[node]!;
    }
    return next ?? -1;
  };
  /** The child of `from` on the path down to its descendant `to`. */
  const toward = (t: Trie, from: number, to: number): number => {
    let n = to;
    while (t.parent[n] !== from) n = t.parent[n]!;
    return n;
  };
  /**
   * The main-channel items a reader at `read` may take next when the sender's path is known to pass
   * `known` (read is `known` or an ancestor): the next item on the way down to `known`, else (none left
   * before it) each item just below `known`. As [code, read after, known after].
   */
  const nextItems = (t: Trie, read: number, known: number): [number, number, number][] => {
    for (let n = read; n !== known; ) {
      n = toward(t, n, known);
      if (t.code[n]! < M) return [[t.code[n]!, n, known]];
    }
    return t.kids[known]!.filter((c) => t.code[c]! < M).map((c) => [t.code[c]!, c, c]);
  };
  /** The sender's next shut steps below `known`, reached through sends only: [code, node]. */
  const nextShuts = (t: Trie, known: number): [number, number][] => {
    const out: [number, number][] = [];
    const stack = [known];
    while (stack.length > 0)
      for (const c of t.kids[stack.pop()!]!)
        if (t.code[c]! < M) stack.push(c);
        else out.push([t.code[c]!, c]);
    return out;
  };
  const depthOf: Record<NodeRole, number[]> = { primary: [0], secondary: [0] };
  // and, per multifd channel, at most as many data and SYNC packets as the primary can write on it
  const budget: number[] = Array(K).fill(0);
  let expanded = 0;
  const count = () => {
    if ((++expanded & 0xffff) === 0)
      progress?.(
        { primary: tables.primary.entries.length, secondary: tables.secondary.entries.length },
        expanded,
      );
  };
  const LINK = 0;
  const TIMERS = 1;
  const FAULTS = 2;
  const READ = 3;
  const WROTE = 4;
  // the deepest node of the peer's trie known to be on the peer's path (a shut end seen, or an item read)
  const KNOWN = 5;
  const RECEIVED = 6;
  const SENT = 6 + K;
  const FIELDS = SENT + K;
  // a closure state's key: the entry and the three trie nodes in three bytes each, the other fields in
  // one; a one-byte string (every code below 256) of ~30 characters, which V8 stores in about half the
  // bytes of the decimal text
  const codes: number[] = [];
  const WIDE = [READ, WROTE, KNOWN] as const;
  const NARROW = [LINK, TIMERS, FAULTS] as const;
  /** Where a key's one-byte fields start: after the entry and the WIDE fields, three bytes each. */
  const NARROW_AT = 3 + 3 * WIDE.length;
  const keyOf = (id: number, v: readonly number[]): string => {
    codes.length = 0;
    pushTriple(codes, id, 'table closure');
    for (const field of WIDE) pushTriple(codes, v[field]!, 'table closure');
    for (const field of NARROW) codes.push(v[field]!);
    // the counts are at most cap + 1 (visit throws past cap), below 256
    for (let i = RECEIVED; i < FIELDS; i++) codes.push(v[i]!);
    return String.fromCharCode(...codes);
  };
  /** The closure state a key names: its entry's id and its fields (keyOf read back). */
  const stateOf = (key: string): [number, number[]] => {
    const v: number[] = Array(FIELDS);
    WIDE.forEach((field, i) => {
      v[field] = readTriple(key, 3 + 3 * i);
    });
    NARROW.forEach((field, i) => {
      v[field] = key.charCodeAt(NARROW_AT + i);
    });
    for (let i = RECEIVED; i < FIELDS; i++) v[i] = key.charCodeAt(NARROW_AT + NARROW.length + i - RECEIVED);
    return [readTriple(key, 0), v];
  };
  /** Where a key holds KNOWN and the first received count (reexpand reads them without stateOf). */
  const KNOWN_AT = 3 + 3 * WIDE.indexOf(KNOWN);
  const RECEIVED_AT = NARROW_AT + NARROW.length;

  // Each side's closure states are kept from round to round: everything is monotone (a larger trie or
  // budget only adds successors), so a later round re-expands only the states whose successors can
  // change (below a node the peer's trie grew under, or at a packet budget that was raised) instead of
  // closing the side again from its initial state. The fixpoint is the same set of states.
  const sideState = () => ({
    // sharded by node state: one JavaScript Set holds at most 2^24 entries, and the secondary's closure
    // at multifd 4 with two faults passed that (RangeError: Set maximum size exceeded)
    seen: Array.from({ length: SEEN_SHARDS }, () => new Set<string>()),
    most: Array<number>(K).fill(0),
    /** The size of the peer's trie and the packet budgets when this side last closed (0: never). */
    peerSize: 0,
    budget: Array<number>(K).fill(0),
  });
  const kept = { primary: sideState(), secondary: sideState() };

  /**
   * The states of a side's earlier rounds whose successors may have changed since, pushed on `work`
   * one shard at a time (each `next()` pushes the next shard's): those whose known node of the peer's
   * trie is at or above the parent of a node added since (the reads and shuts below it can be new), and
   * on the secondary those that received as many packets of a kind as its budget was (now raised). The
   * shards' sizes are taken now, so the states this round adds are expanded by the loop, not again here.
   */
  const reexpand = (side: NodeRole, work: [NodeEntry<NodeFacts>, number[]][]): Iterator<void> => {
    const { seen, peerSize, budget: before } = kept[side];
    const trie = tries[peerOf(side)];
    const below = new Uint8Array(trie.size);
    for (let n = peerSize; n < trie.size; n++)
      for (let up = trie.parent[n]!; up >= 0 && below[up] === 0; up = trie.parent[up]!) below[up] = 1;
    // only the secondary reads multifd packets: the primary's successors never depend on the budgets
    const raised = side === 'primary' ? [] : budget.flatMap((b, k) => (b > before[k]! ? [k] : []));
    const sizes = seen.map((shard) => shard.size);
    return (function* () {
      for (let i = 0; i < SEEN_SHARDS; i++) {
        let left = sizes[i]!;
        for (const key of seen[i]!) {
          if (left-- === 0) break;
          const changed =
            below[readTriple(key, KNOWN_AT)] === 1 ||
            raised.some((k) => key.charCodeAt(RECEIVED_AT + k) >= before[k]!);
          if (!changed) continue;
          const [id, v] = stateOf(key);
          work.push([tables[side].entries[id]!, v]);
          count();
        }
        yield;
      }
    })();
  };

  /** One side's closure under the current budgets: the most of each multifd packet any of its paths sends. */
  const close = (side: NodeRole): number[] => {
    const table: NodeTable<NodeFacts> = tables[side];
    const bits = FACTS[side];
    const peer = peerOf(side);
    const { seen, most } = kept[side];
    // a closure state: the entry, then [link facts, timers fed, faults fed, trie node read, trie node
    // written, multifd packets received per kind, multifd packets sent per kind, peer's trie node known]
    const work: [NodeEntry<NodeFacts>, number[]][] = [];
    // the peer's trie does not change while this side closes: its walks are made once per node
    const sent = tries[peer];
    const itemsAt = new Map<number, [number, number, number][]>();
    const shutsAt = new Map<number, [number, number][]>();
    const itemsBelow = (read: number, known: number) => {
      const at = read * 2 ** 24 + known;
      let items = itemsAt.get(at);
      if (!items) {
        items = nextItems(sent, read, known);
        itemsAt.set(at, items);
      }
      return items;
    };
    const shutsBelow = (known: number) => {
      let shuts = shutsAt.get(known);
      if (!shuts) {
        shuts = nextShuts(sent, known);
        shutsAt.set(known, shuts);
      }
      return shuts;
    };
    const visit = (entry: NodeEntry<NodeFacts>, v: number[]) => {
      const key = keyOf(entry.id, v);
      const shard = seen[entry.id % SEEN_SHARDS]!;
      // one hash lookup, not has-then-add: at these sizes each lookup is a cache miss
      const before = shard.size;
      if (shard.add(key).size === before) return;
      count();
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
        // a first shut of an end is a step of this side's path, which its reader can see only there
        const commands =
          v[FAULTS]! -
          ((v[LINK]! & bits.faultFacts[0]) !== 0 ? 1 : 0) -
          ((v[LINK]! & bits.faultFacts[1]) !== 0 ? 1 : 0);
        const seen =
          ((v[LINK]! & bits.bit('broken')) !== 0 ? 1 : 0) |
          ((v[LINK]! & bits.peerShut[0]) !== 0 ? 2 : 0) |
          ((v[LINK]! & bits.peerShut[1]) !== 0 ? 4 : 0);
        for (const [end, on] of [
          [0, shut.main],
          [1, shut.multifd],
        ] as const) {
          const mask = bits.ownShut[end];
          if (!on || (v[LINK]! & mask) !== 0) continue;
          v[LINK]! |= mask;
          const node = childOf(side, v[WROTE]!, shutCode(end, commands, seen), true);
          depthOf[side][node] = depthOf[side][v[WROTE]!]!;
          v[WROTE] = node;
        }
        const moved = itemOfEffect(side, effect);
        if (!moved) continue;
        const writable = (v[LINK]! & bits.blocked.main) === 0;
        // a multifd packet always goes on its queue; a main-channel item only when the write can happen
        if (moved.queue === 'multifd') v[SENT + packetOf(moved.channel, moved.item)]!++;
        else if (writable) {
          const node = childOf(side, v[WROTE]!, itemIndex.get(moved.item)!, true);
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

    const again = kept[side].peerSize === 0 ? null : reexpand(side, work);
    if (again === null) visit(side === 'primary' ? init.p : init.s, Array(FIELDS).fill(0));
    kept[side].peerSize = sent.size;
    kept[side].budget = budget.slice();
    for (;;) {
      while (work.length === 0 && again !== null && again.next().done !== true);
      if (work.length === 0) break;
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
      // the main channel's read, whether or not something is queued; once the peer shut its end, what
      // is queued is what it sent before (the items on the way down to the shut it took)
      const next = itemsBelow(v[READ]!, v[KNOWN]!);
      const peerShutMain = (link & bits.peerShut[0]) !== 0;
      for (const queued of peerShutMain ? [next.length > 0] : BOOLS) {
        const verdict = mainReadVerdict(
          false,
          facts.coloActive,
          (link & bits.local) !== 0,
          queued,
          (link & bits.errored) !== 0,
          (link & bits.peerGone) !== 0,
        );
        if (verdict === 'deliver') {
          for (const [k, read, known] of next) {
            const w = v.slice();
            w[READ] = read;
            w[KNOWN] = known;
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
            const k = event === 'packet' || event === 'sync-packet' ? packetOf(i, event) : -1;
            if (k < 0) feed(inputs.multifd(i, event));
            else if (v[RECEIVED + k]! < budget[k]!) feed(inputs.multifd(i, event), RECEIVED + k);
          }
      if (side === 'primary' && v[TIMERS]! < model.checkpointBudget && checkpointTimerArmed(facts))
        feed(inputs.timer(), TIMERS);
      // the peer shuts an end only where one of its paths does: at a shut step below what is known of
      // it, once this side sees the link facts the peer saw there, and with the peer's fault commands
      // within what is left of the budget
      const seenHere =
        ((link & bits.bit('broken')) !== 0 ? 1 : 0) |
        ((link & bits.ownShut[0]) !== 0 ? 2 : 0) |
        ((link & bits.ownShut[1]) !== 0 ? 4 : 0);
      for (const [code, node] of shutsBelow(v[KNOWN]!)) {
        if ((shutSeen(code) & ~seenHere) !== 0) continue;
        if (v[FAULTS]! + shutCommands(code) > model.faultBudget) continue;
        const w = v.slice();
        w[LINK]! |= bits.peerShut[shutEnd(code)];
        w[KNOWN] = node;
        visit(entry, w);
      }
      // the budget is shared: the peer's commands behind what is known of it are spent too
      if (v[FAULTS]! + sent.commands[v[KNOWN]!]! < model.faultBudget) {
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
  // a reduce, not Math.max(...spread): a trie of 10^5 nodes would pass V8's argument limit
  const longest = (side: NodeRole) =>
    depthOf[side].reduce<number>((most, d) => (d !== undefined && d > most ? d : most), 0);
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
