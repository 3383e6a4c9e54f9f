/**
 * runtime/control: QMP control of a runtime node (the backend `lockstep primary` and `lockstep secondary`
 * serve).
 * @packageDocumentation
 */
export type { MigrationParameters, SetParameters } from './migration-parameters.js';
export { createNodeBackend, migrationStatus, type NodeBackendOptions } from './qmp-backend.js';
