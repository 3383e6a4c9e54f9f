import { Worker } from 'node:worker_threads';
import type { CheckOptions } from './options.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

/**
 * Starts the BFS workers. From compiled JavaScript the worker is bfs-worker.js next to this file; from
 * TypeScript sources (tests, tsx) Node cannot load .ts in a worker by itself, so a small bootstrap
 * registers tsx's ESM loader inside the worker first.
 */
export function startWorkers(options: CheckOptions): Worker[] {
  const self = import.meta.url;
  const fromSource = self.endsWith('.ts');
  const entry = new URL(fromSource ? './bfs-worker.ts' : './bfs-worker.js', self);
  const workers: Worker[] = [];
  for (let index = 0; index < options.workers; index++) {
    const workerData = {
      source: options.workerSource,
      index,
      count: options.workers,
      symmetry: options.symmetry,
      deadlock: options.deadlock,
    };
    if (!fromSource) workers.push(new Worker(entry, { workerData }));
    else {
      const api = import.meta.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
      const boot = `const { register } = await import(${JSON.stringify(api)}); register(); await import(${JSON.stringify(entry.href)});`;
      workers.push(new Worker(boot, { eval: true, workerData }));
    }
  }
  return workers;
}

/** Sends one message to a worker and resolves with its answer (workers answer in order, one at a time). */
export function ask<S>(worker: Worker, message: ToWorker<S>): Promise<FromWorker<S>> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => {
      worker.off('message', onMessage);
      reject(e);
    };
    const onMessage = (m: FromWorker<S>): void => {
      worker.off('error', onError);
      resolve(m);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
    worker.postMessage(message);
  });
}
