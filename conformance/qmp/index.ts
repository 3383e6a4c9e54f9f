/**
 * conformance/qmp: a QMP client for real QEMU and lockstep nodes, with a raw-traffic recorder.
 * @packageDocumentation
 */
export * from './client.js';
export * from './errors.js';
export * from './event-stream.js';
export type { QmpTarget } from './lines.js';
export * from './recorder.js';
export * from './wire.js';
