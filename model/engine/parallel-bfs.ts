import { runBfs } from './bfs.js';
import type { CheckOptions } from './options.js';
import type { Model, Report } from './types.js';

/** Level-synchronous BFS over worker threads (placeholder until the worker protocol lands). */
export async function runParallelBfs<S, A>(model: Model<S, A>, options: CheckOptions): Promise<Report<S, A>> {
  return runBfs(model, options);
}
