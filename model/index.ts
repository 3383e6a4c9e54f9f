/**
 * The model checker: the generic engine (the COLO composition builds on it).
 * @module
 */
export * from './engine/index.js';
