/**
 * Machines compiled into tables: every node state the search meets gets an index, every (state, input)
 * pair runs the XState machines once. The checker steps through the tables; the Promela export prints them.
 * @module
 */
export { InputAlphabet } from './input-alphabet.js';
export { decodeNode, nodeKey } from './node-key.js';
export { type NodeEntry, type NodeStep, NodeTable } from './node-table.js';
export { stableJson } from './stable-json.js';
