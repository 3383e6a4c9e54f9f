/**
 * conformance/: holds lockstep's machines against a real QEMU: a QMP client and the trace checker.
 * @packageDocumentation
 */
export * from './qmp/index.js';
export * from './trace/index.js';
