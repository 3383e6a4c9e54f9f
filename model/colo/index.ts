/**
 * The composed COLO system as a model for the engine: two nodes from machines/node, the links as FIFO
 * queues, a fault injector, the fixes as switches, and the properties.
 * @module
 */
export { messageSequenceChart } from './chart.js';
export { FIX_NAMES, FIXES, type FixInfo, type FixName, fixesWithout } from './fixes.js';
export {
  COLO_PROPERTIES,
  type ColoAction,
  ColoModel,
  type ColoModelOptions,
  type ColoProperty,
  type ColoState,
  createColoModel,
  FAULT_KINDS,
  type FaultKind,
  isService,
  type MainItem,
  nodeOf,
  type PropertyClass,
  type Shut,
} from './model.js';
