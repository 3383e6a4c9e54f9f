/**
 * lockstep's wire format: COLO messages as QEMU sends them, the RAM stream, multifd packets, and
 * incremental decoders for all three channels. See docs/wire-format.md.
 * @packageDocumentation
 */
export { ByteQueue } from './byte-queue.js';
export { StreamDecoder, type StreamDecoderOptions } from './decode.js';
export { BaseDecoder, type BaseDecoderOptions, type PagesInFlight } from './decoder-base.js';
export { digestFrame, sha256 } from './digest.js';
export * from './encode.js';
export * from './format.js';
export type * from './frames.js';
export { encodeMultifdPacket, type MultifdPacket } from './multifd.js';
export { MultifdDecoder } from './multifd-decode.js';
export { writeChunks } from './write.js';
