/**
 * conformance/: holds lockstep's machines against a real QEMU: a QMP client, the trace checker and the scenario driver.
 * @packageDocumentation
 */
export * from './qmp/index.js';
export * from './scenarios/index.js';
export * from './trace/index.js';
