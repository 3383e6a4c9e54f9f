/**
 * Spin as a second opinion: build pan from a Promela export and run it, property by property.
 * @module
 */

export { type CrossCheck, crossCheck, crossCheckExport } from './cross-check.js';
export {
  buildPan,
  type PanBuild,
  type PanResult,
  removePan,
  replayTrail,
  runPan,
  spinAvailable,
} from './run-spin.js';
export {
  runSwarm,
  type SpinCounterexample,
  type SwarmMode,
  type SwarmOptions,
  type SwarmReport,
  type SwarmRun,
  type SwarmVerdict,
} from './swarm.js';
export { type ModelReplay, replayOnModel, trailSteps } from './trail.js';
