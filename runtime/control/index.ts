/**
 * runtime/control: QMP control of a runtime node (the backend `lockstep primary` and `lockstep secondary`
 * serve).
 * @packageDocumentation
 */
export type { MigrationParameters, SetParameters } from './migration-parameters.js';
export { type MigrationTlsSettings, type QmpExecute, setUpMigrationTls } from './migration-tls.js';
export { createNodeBackend, migrationStatus, type NodeBackendOptions } from './qmp-backend.js';
