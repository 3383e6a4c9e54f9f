/**
 * runtime/qmp: a QMP-compatible control server (the protocol layer only) in front of a {@link QmpBackend}.
 * @packageDocumentation
 */
export { DEFAULT_OOB_COMMANDS, serveQmp } from './server.js';
export type * from './types.js';
