/**
 * The composed system as Promela for Spin, from the compiled machines, and a driver that runs Spin.
 * @module
 */
export {
  BOUNDED_CAVEAT,
  type BoundedTables,
  exportPromela,
  type PromelaExport,
  type PromelaTables,
  promelaPropertyNumber,
  type TableBound,
  TRAIL_STEP,
} from './export.js';
export { PROMELA_PROPERTIES, type PromelaProperty } from './glue.js';
export type { TablesArray } from './tables.js';
