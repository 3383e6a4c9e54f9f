/**
 * conformance/scenarios: named scenarios driven through QMP against two QEMU processes or two lockstep
 * nodes, with both sides' traffic recorded.
 * @packageDocumentation
 */

export * from './differences.js';
export * from './driver.js';
export { startLockstepPair } from './lockstep-pair.js';
export { QEMU_BINARY, qemuArgs, startQemuPair } from './qemu-pair.js';
export * from './scenarios.js';
export type * from './types.js';
