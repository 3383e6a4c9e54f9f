import type { Effect, NodeConfig, NodeInput, NodeRole } from '../../machines/index.js';
import { InputAlphabet, NodeTable } from '../compile/index.js';
import { canWrite } from './links.js';
import { type NodeFacts, nodeFacts } from './node-facts.js';
import { type Draft, entryOf } from './state.js';

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
    if (st.dead[side]) return;
    const { next, effects } = this.tables[side].apply(entryOf(st, side), input);
    if (side === 'primary') st.p = next;
    else st.s = next;
    for (const effect of effects) this.book(st, side, effect);
  }

  private book(st: Draft, side: NodeRole, effect: Effect): void {
    switch (effect.kind) {
      case 'send':
        if (!canWrite(st, side, 'main')) return;
        if (side === 'primary') st.toS = [...st.toS, effect.message];
        else st.toP = [...st.toP, effect.message];
        return;
      case 'send-ram':
        if (canWrite(st, side, 'main')) {
          st.toS = [...st.toS, 'ram'];
          this.apply(st, side, this.inputs.io('ram-sent'));
        } else this.apply(st, side, this.inputs.io('channel-error'));
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
        const next = { main: old.main || scope !== 'multifd', multifd: old.multifd || scope !== 'main' };
        st.shut = { ...st.shut, [side]: next };
        return;
      }
      case 'store-pages':
        if (st.s.facts.cacheReleased) st.cacheUaf = true;
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
}
