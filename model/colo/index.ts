/**
 * The composed COLO system as a model for the engine: two nodes from machines/node (compiled into
 * tables), the links as FIFO queues, a fault injector, the fixes as switches, and the properties.
 * @module
 */
export { describeColoAction } from './action-set.js';
export { messageSequenceChart } from './chart.js';
export { type ClosureProgress, closeTables, type TableClosure } from './closure.js';
export { Composition } from './composition.js';
export {
  FIX_NAMES,
  FIXES,
  type FixInfo,
  type FixName,
  fixesWithout,
  PROPOSED_FIX_NAMES,
  PROPOSED_FIXES,
  type ProposedFixInfo,
  type ProposedFixName,
} from './fixes.js';
export { ColoModel, createColoModel, type NodeDictionary, type PackedColoState } from './model.js';
export type { NodeFacts } from './node-facts.js';
export {
  COLO_PROPERTIES,
  type ColoBudgets,
  type ColoProperty,
  isService,
  type PropertyClass,
} from './properties.js';
export {
  type ColoAction,
  type ColoModelOptions,
  type ColoState,
  FAULT_KINDS,
  type FaultKind,
  type MainItem,
  nodeOf,
} from './state.js';
export {
  type PropertyKindName,
  propertyKind,
  type TraceFileStep,
  traceFile,
} from './trace-file.js';
export { type ColoView, coloView, linkHead, type PerSide, type Shut } from './view.js';
