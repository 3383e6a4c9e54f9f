/**
 * lockstep's runtime: a COLO primary or secondary executing the machines over real sockets, with its
 * event log, wire format, guest, QMP server and the demo pair.
 * @packageDocumentation
 */
export * from './control/index.js';
export * from './demo/run-demo.js';
export * from './errors.js';
export * from './guest/index.js';
export * from './host/index.js';
export * from './log/index.js';
export * from './node/index.js';
export * from './qmp/index.js';
export type * from './wire/frames.js';
// wire re-uses the guest's PAGE_SIZE; the guest's is the one exported here
export {
  BaseDecoder,
  type BaseDecoderOptions,
  ByteQueue,
  DEFAULT_MAX_VMSTATE,
  digestFrame,
  encodeFrame,
  encodeFrames,
  encodeMessage,
  encodeMultifdPacket,
  MultifdDecoder,
  type MultifdPacket,
  type PagesInFlight,
  StreamDecoder,
  type StreamDecoderOptions,
  sha256,
  writeChunks,
} from './wire/index.js';
