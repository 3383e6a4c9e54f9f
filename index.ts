/**
 * lockstep: QEMU's COLO protocol as XState machines, executable and checkable.
 * @packageDocumentation
 */
export * from './machines/index.js';
