/**
 * view/: `lockstep view`, a local web page with every machine's chart, the live states of a running pair,
 * its checkpoint timeline, and counterexamples or QMP logs played step by step.
 * @packageDocumentation
 */
export * from './capture.js';
export * from './embed.js';
export * from './live.js';
export * from './playback.js';
export * from './server.js';
export * from './states.js';
