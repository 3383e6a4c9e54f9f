/**
 * runtime/guest: the simulated guest (RAM pages with a dirty log, device state, workloads) and the
 * secondary's colo cache.
 * @packageDocumentation
 */
export * from './bitmap.js';
export * from './colo-cache.js';
export * from './device-state.js';
export * from './digest.js';
export * from './guest-ram.js';
export * from './page.js';
export * from './prng.js';
export * from './workload.js';
