/**
 * The main channel as the secondary's COLO thread reads it, one item per read: a COLO message, the RAM
 * stream of a checkpoint up to QEMU_VM_EOF, the device blob. These are the model's link items; before
 * COLO (precopy) every frame is its own item, loaded by the incoming coroutine as it comes.
 * @packageDocumentation
 */
import type { ColoMessage } from '../machines/index.js';
import { type Frame, StreamDecoder } from '../runtime/wire/index.js';
import type { ItemDecoder } from './endpoint.js';

/** One read of the secondary's COLO thread on the main channel (the model's link item). @public */
export type MainItem =
  | { readonly kind: 'message'; readonly message: ColoMessage; readonly value?: number }
  | { readonly kind: 'ram'; readonly frames: readonly Frame[] }
  | { readonly kind: 'device'; readonly blob: Buffer }
  | { readonly kind: 'precopy'; readonly frame: Frame };

/** A decoder of the main channel into items, for a guest of `pageCount` pages. @public */
export function mainItems(pageCount: number): ItemDecoder<MainItem> {
  const decoder = new StreamDecoder({ ramPages: pageCount });
  let precopy = true;
  let ram: Frame[] = [];
  const group = (frame: Frame): MainItem[] => {
    if (precopy) {
      if (frame.kind === 'eof') precopy = false;
      return [{ kind: 'precopy', frame }];
    }
    if (frame.kind === 'message') return [{ kind: 'message', message: frame.message }];
    // colo.c: colo_receive_message_value(VMSTATE_SIZE), then qemu_get_buffer of that many bytes
    if (frame.kind === 'vmstate')
      return [
        { kind: 'message', message: 'vmstate-size', value: frame.blob.length },
        { kind: 'device', blob: Buffer.from(frame.blob) },
      ];
    ram.push(frame); // ram.c:ram_load_precopy until QEMU_VM_EOF (qemu_loadvm_state_main)
    if (frame.kind !== 'eof') return [];
    const item: MainItem = { kind: 'ram', frames: ram };
    ram = [];
    return [item];
  };
  return (chunk) => decoder.push(chunk).drain().flatMap(group);
}
