/**
 * runtime/control: QMP control of a runtime node (the backend `lockstep primary` and `lockstep secondary`
 * serve).
 * @packageDocumentation
 */
export {
  createNodeBackend,
  type MigrationParameters,
  migrationStatus,
  type NodeBackendOptions,
} from './qmp-backend.js';
