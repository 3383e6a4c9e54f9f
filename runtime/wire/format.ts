/**
 * Constants of lockstep's wire format (docs/wire-format.md): the COLO message words, the RAM frame
 * tag, frame kinds, multifd packet header, and the default limits of the decoder.
 * @packageDocumentation
 */

/** Bytes in a guest page (TARGET_PAGE_SIZE on x86). @public */
export const PAGE_SIZE = 4096;

/**
 * High 16 bits of the be32 word that opens every RAM-stream frame ("LS"). A word without it is a
 * COLO message value (colo.c:colo_send_message), so both share the main channel unambiguously.
 * @public
 */
export const FRAME_TAG = 0x4c530000;

/**
 * RAM-stream frame kinds: the low 16 bits of the opening word. ZERO, PAGE and MULTIFD_FLUSH reuse
 * QEMU's RAM_SAVE_FLAG_* values (ram.c); EOF reuses QEMU_VM_EOF (savevm.c); the rest are lockstep's.
 * @public
 */
export const FRAME_KIND = {
  eof: 0x0000,
  zero: 0x0002,
  page: 0x0008,
  flush: 0x0200,
  // savevm.c QEMU_VM_COMMAND (0x08) MIG_CMD_ENABLE_COLO (8): the 7.2 source switches COLO on in the stream
  'enable-colo': 0x0808,
  batch: 0x1000,
  header: 0x2000,
  digest: 0x4000,
} as const;

/** Bytes of a frame's opening word (be32). @public */
export const WORD = 4;

/** Subjects a digest frame can cover, by wire value. @public */
export const DIGEST_SUBJECTS = ['ram', 'device'] as const;
/** What a digest frame covers. @public */
export type DigestSubject = (typeof DIGEST_SUBJECTS)[number];
/** Bytes of a SHA-256 digest. @public */
export const DIGEST_SIZE = 32;

/** Most pages one batch frame or one multifd packet may carry (4 MiB of data). @public */
export const MAX_BATCH_PAGES = 1024;

/** Default limit on a vmstate-size value (colo.c reads the blob into a growable bioc). @public */
export const DEFAULT_MAX_VMSTATE = 64 * 1024 * 1024;

/** First word of every multifd packet: multifd.c MULTIFD_MAGIC. @public */
export const MULTIFD_MAGIC = 0x11223344;
/** multifd.c MULTIFD_VERSION as lockstep speaks it. @public */
export const MULTIFD_VERSION = 1;
/** multifd.h MULTIFD_FLAG_SYNC: the packet closes a sync round. @public */
export const MULTIFD_FLAG_SYNC = 0x1;
/** Bytes of a multifd packet header before its page indexes. @public */
export const MULTIFD_HEADER = 32;

/** Largest be32 high half of a be64 that still fits a JS safe integer. @internal */
export const SAFE_HIGH = 0x200000;
