import {
  type Effect,
  itemOfEffect,
  type LinkItem,
  type NodeConfig,
  type NodeInput,
  type NodeRole,
  sendCompletion,
} from '../../machines/index.js';
import { InputAlphabet, NodeTable } from '../compile/index.js';
import { canWrite } from './links.js';
import { type NodeFacts, nodeFacts } from './node-facts.js';
import { bitOf, DEAD, FLAG, increment, itemCode, PACKET, pushMain, pushPacket } from './packing.js';
import { type Draft, entryOf } from './state.js';

// machines/link's item of each effect, once per effect object (the tables hand out the same objects)
const ITEMS = {
  primary: new WeakMap<Effect, LinkItem | null>(),
  secondary: new WeakMap<Effect, LinkItem | null>(),
};
function linkItemOf(side: NodeRole, effect: Effect): LinkItem | null {
  const known = ITEMS[side].get(effect);
  if (known !== undefined) return known;
  const item = itemOfEffect(side, effect);
  ITEMS[side].set(effect, item);
  return item;
}

/** Which of its channels a node's `shutdown-channels` effect shuts (both when it names no scope). @internal */
export function shutOf(effect: Effect): { readonly main: boolean; readonly multifd: boolean } {
  if (effect.kind !== 'shutdown-channels') return { main: false, multifd: false };
  const scope = effect.scope ?? 'all';
  return { main: scope !== 'multifd', multifd: scope !== 'main' };
}

/**
 * The two nodes' compiled tables and the routing of what they emit: messages onto the FIFO links,
 * lifetimes and flags into the composed state. No protocol decision is made here; every one is a
 * transition of the machines, run once per (node state, input) by the tables.
 * @public
 */
export class Composition {
  readonly inputs = new InputAlphabet();
  readonly tables: { readonly primary: NodeTable<NodeFacts>; readonly secondary: NodeTable<NodeFacts> };

  constructor(primary: NodeConfig, secondary: NodeConfig) {
    this.tables = {
      primary: new NodeTable(primary, nodeFacts),
      secondary: new NodeTable(secondary, nodeFacts),
    };
  }

  /** Applies an input to one node of a draft state and books its effects. @internal */
  apply(st: Draft, side: NodeRole, input: NodeInput): void {
    if ((st.flags & DEAD[side]) !== 0) return;
    const { next, effects } = this.tables[side].apply(entryOf(st, side), input);
    if (side === 'primary') st.p = next;
    else st.s = next;
    for (const effect of effects) this.book(st, side, effect);
  }

  private book(st: Draft, side: NodeRole, effect: Effect): void {
    const moved = linkItemOf(side, effect);
    if (moved) {
      this.put(st, side, effect, moved);
      return;
    }
    switch (effect.kind) {
      case 'shutdown-channels': {
        const shut = shutOf(effect);
        if (shut.main) st.flags |= bitOf(FLAG.shutMain, side);
        if (shut.multifd) st.flags |= bitOf(FLAG.shutMultifd, side);
        return;
      }
      case 'store-pages':
        if (st.s.facts.cacheReleased) st.flags |= FLAG.cacheUaf;
        return;
      case 'file-access':
        if (effect.freed) st.flags |= FLAG.fileUaf;
        return;
      case 'flush-ram-cache':
        st.counters = increment(st.counters, 'flushes');
        return;
      case 'qmp-reply':
        if (effect.id === 'hb' && 'error' in effect.reply) st.flags |= bitOf(FLAG.hbRefused, side);
        return;
      default:
        return;
    }
  }

  /** machines/link: the item onto its FIFO if the write can happen, and what the sender hears at once. */
  private put(st: Draft, side: NodeRole, effect: Effect, moved: LinkItem): void {
    if (moved.queue === 'multifd') {
      const mfd = st.mfd.slice();
      mfd[moved.channel] = pushPacket(
        mfd[moved.channel]!,
        moved.item === 'packet' ? PACKET.data : PACKET.sync,
        moved.channel,
      );
      st.mfd = mfd;
      return;
    }
    const writable = canWrite(st, side, 'main');
    if (writable) {
      const code = itemCode(moved.item);
      if (moved.queue === 'to-secondary') st.toS = pushMain(st.toS, code, 'main channel');
      else st.toP = pushMain(st.toP, code, 'return path');
    }
    const done = sendCompletion(effect, writable);
    if (done?.kind === 'io') this.apply(st, side, this.inputs.io(done.completion));
  }
}
