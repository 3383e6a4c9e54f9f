import { COLO_MESSAGES, type ColoMessage, type Effect } from '../../machines/index.js';
import type { MainItem } from '../colo/index.js';

/*
 * The numbers the Promela text uses. 0 is never a value: an empty queue slot, the end of an effect list.
 */

/** A main-channel item: the seven COLO messages, then the RAM stream and the device blob. @internal */
export function itemCode(item: MainItem): number {
  if (item === 'ram') return COLO_MESSAGES.length + 1;
  if (item === 'device') return COLO_MESSAGES.length + 2;
  const index = COLO_MESSAGES.indexOf(item);
  // 0 ends an effect list: an unknown message must not silently cut the list short
  if (index < 0) throw new Error(`promela export: no code for the COLO message "${String(item)}"`);
  return index + 1;
}

/** The Promela name of a COLO message's code (`M_CHECKPOINT_REQUEST`). @internal */
export const messageName = (message: ColoMessage): string => `M_${message.toUpperCase().replace(/-/g, '_')}`;

/** The effects the composition books, as codes; every other effect is the edge's business, dropped. @internal */
export const EFFECT = {
  sendRam: 20,
  sendDevice: 21,
  shutMain: 22,
  shutMultifd: 23,
  shutAll: 24,
  store: 25,
  fileFreed: 26,
  flush: 27,
  hbRefused: 28,
  /** + 2 * channel + (sync ? 1 : 0) */
  multifdWrite: 40,
} as const;

/** The code of an effect, or null when the composition ignores it. `send` codes are 1 + message index. @internal */
export function effectCode(effect: Effect): number | null {
  switch (effect.kind) {
    case 'send':
      return itemCode(effect.message);
    case 'send-ram':
      return EFFECT.sendRam;
    case 'send-device-state':
      return EFFECT.sendDevice;
    case 'shutdown-channels': {
      const scope = effect.scope ?? 'all';
      return scope === 'main' ? EFFECT.shutMain : scope === 'multifd' ? EFFECT.shutMultifd : EFFECT.shutAll;
    }
    case 'store-pages':
      return EFFECT.store;
    case 'file-access':
      return effect.freed ? EFFECT.fileFreed : null;
    case 'flush-ram-cache':
      return EFFECT.flush;
    case 'qmp-reply':
      return effect.id === 'hb' && 'error' in effect.reply ? EFFECT.hbRefused : null;
    case 'multifd-write':
      return EFFECT.multifdWrite + 2 * effect.channel + (effect.packet === 'sync' ? 1 : 0);
    default:
      return null;
  }
}

/** Bits of a node's enabled threads: COLO thread, main loop, then one per multifd channel. @internal */
export const THREAD_BIT = { colo: 1, mainLoop: 2, multifd: (channel: number) => 4 << channel } as const;
