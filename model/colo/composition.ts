import type { Effect, NodeConfig, NodeInput, NodeRole } from '../../machines/index.js';
import { InputAlphabet, NodeTable } from '../compile/index.js';
import { canWrite } from './links.js';
import { type NodeFacts, nodeFacts } from './node-facts.js';
import { bitOf, DEAD, FLAG, increment, itemCode, PACKET, pushMain, pushPacket } from './packing.js';
import { type Draft, entryOf } from './state.js';

const RAM = itemCode('ram');
const DEVICE = itemCode('device');

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
    switch (effect.kind) {
      case 'send':
        if (!canWrite(st, side, 'main')) return;
        if (side === 'primary') st.toS = pushMain(st.toS, itemCode(effect.message), 'main channel');
        else st.toP = pushMain(st.toP, itemCode(effect.message), 'return path');
        return;
      case 'send-ram':
        if (canWrite(st, side, 'main')) {
          st.toS = pushMain(st.toS, RAM, 'main channel');
          this.apply(st, side, this.inputs.io('ram-sent'));
        } else this.apply(st, side, this.inputs.io('channel-error'));
        return;
      case 'send-device-state':
        if (canWrite(st, side, 'main')) st.toS = pushMain(st.toS, DEVICE, 'main channel');
        return;
      case 'multifd-write': {
        const mfd = st.mfd.slice();
        mfd[effect.channel] = pushPacket(mfd[effect.channel]!, PACKET[effect.packet], effect.channel);
        st.mfd = mfd;
        return;
      }
      case 'shutdown-channels': {
        const scope = effect.scope ?? 'all';
        if (scope !== 'multifd') st.flags |= bitOf(FLAG.shutMain, side);
        if (scope !== 'main') st.flags |= bitOf(FLAG.shutMultifd, side);
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
}
