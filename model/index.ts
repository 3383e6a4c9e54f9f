/**
 * The model checker: the generic engine (the COLO composition builds on it).
 * @module
 */

export * from './colo/index.js';
export * from './compile/index.js';
export * from './engine/index.js';
export * from './promela/index.js';
export * from './spin/index.js';
