import type { Model } from '../../../../model/index.js';
import { counters } from './counters.js';
import { mutex } from './mutex.js';
import { philosophers } from './philosophers.js';

/** Factories a worker thread can call by name: the model must be rebuilt on the other side. */
export function createCounters(options: { n: number; max: number }): Model<Uint8Array, number> {
  return counters(options.n, options.max);
}

/** The buggy or atomic mutex, by option. */
export function createMutex(options: { buggy: boolean }): Model<Uint8Array, number> {
  return mutex(options.buggy);
}

/** n dining philosophers. */
export function createPhilosophers(options: { n: number }): Model<Uint8Array, number> {
  return philosophers(options.n);
}
