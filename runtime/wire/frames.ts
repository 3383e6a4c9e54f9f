/**
 * The typed frames the main channel and return path carry, as the decoder yields them and the encoder
 * takes them. Page data are views: into the socket chunk, or into the caller's RAM buffer.
 * @packageDocumentation
 */
import type { ColoMessage } from '../../machines/vocabulary.js';
import type { DigestSubject } from './format.js';

/** A bare COLO message (colo.c:colo_send_message): every one but vmstate-size. @public */
export interface MessageFrame {
  readonly kind: 'message';
  readonly message: Exclude<ColoMessage, 'vmstate-size'>;
}
/** VMSTATE_SIZE, its be64 length and the device blob (colo.c:colo_do_checkpoint_transaction). @public */
export interface VmstateFrame {
  readonly kind: 'vmstate';
  readonly blob: Buffer;
}
/** One guest page with its 4096 bytes (ram.c:save_normal_page). @public */
export interface PageFrame {
  readonly kind: 'page';
  readonly index: number;
  readonly data: Buffer;
}
/** A zero page: the index only, no data (ram.c:save_zero_page, RAM_SAVE_FLAG_ZERO). @public */
export interface ZeroFrame {
  readonly kind: 'zero';
  readonly index: number;
}
/** Several pages: indexes, then their data back to back (count × 4096 bytes). @public */
export interface BatchFrame {
  readonly kind: 'batch';
  readonly indexes: Uint32Array;
  readonly data: Buffer;
}
/** RAM_SAVE_FLAG_MULTIFD_FLUSH: the receiver syncs its multifd channels here. @public */
export interface FlushFrame {
  readonly kind: 'flush';
}
/** Opens the RAM of one checkpoint: its number (1-based, the primary's counter). @public */
export interface HeaderFrame {
  readonly kind: 'header';
  readonly checkpoint: number;
}
/** SHA-256 of the checkpoint's RAM image or device blob, for the secondary to compare. @public */
export interface DigestFrame {
  readonly kind: 'digest';
  readonly subject: DigestSubject;
  readonly sha256: Buffer;
}
/** QEMU_VM_EOF: qemu_loadvm_state_main returns here (savevm.c:qemu_savevm_state_complete_precopy). @public */
export interface EofFrame {
  readonly kind: 'eof';
}

/** MIG_CMD_ENABLE_COLO (QEMU 7.2, savevm.c:qemu_savevm_send_colo_enable): the destination enters COLO. @public */
export interface EnableColoFrame {
  readonly kind: 'enable-colo';
}

/** Any frame of the main channel or return path. @public */
export type Frame =
  | MessageFrame
  | VmstateFrame
  | PageFrame
  | ZeroFrame
  | BatchFrame
  | FlushFrame
  | HeaderFrame
  | DigestFrame
  | EofFrame
  | EnableColoFrame;

/** A frame's kind. @public */
export type FrameKind = Frame['kind'];
