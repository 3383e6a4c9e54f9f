import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { CheckOptions } from './options.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

/**
 * Starts the BFS workers, each pair joined by a MessageChannel so successors go straight to their owner.
 * From compiled JavaScript the worker is bfs-worker.js next to this file; from TypeScript sources (tests,
 * tsx) Node cannot load .ts in a worker by itself, so a small bootstrap registers tsx's ESM loader inside
 * the worker first.
 */
export function startWorkers(options: CheckOptions): Worker[] {
  const self = import.meta.url;
  const fromSource = self.endsWith('.ts');
  const entry = new URL(fromSource ? './bfs-worker.ts' : './bfs-worker.js', self);
  const k = options.workers;
  // ports[i][j]: worker i's end of the channel to worker j
  const ports: (MessagePort | null)[][] = Array.from({ length: k }, () =>
    Array<MessagePort | null>(k).fill(null),
  );
  for (let i = 0; i < k; i++)
    for (let j = i + 1; j < k; j++) {
      const { port1, port2 } = new MessageChannel();
      ports[i]![j] = port1;
      ports[j]![i] = port2;
    }
  const workers: Worker[] = [];
  for (let index = 0; index < k; index++) {
    const peers = ports[index]!;
    const workerData = {
      source: options.workerSource,
      index,
      count: k,
      symmetry: options.symmetry,
      deadlock: options.deadlock,
      peers,
    };
    const transferList = peers.filter((p): p is MessagePort => p !== null);
    if (!fromSource) workers.push(new Worker(entry, { workerData, transferList }));
    else {
      const api = import.meta.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
      const boot = `const { register } = await import(${JSON.stringify(api)}); register(); await import(${JSON.stringify(entry.href)});`;
      workers.push(new Worker(boot, { eval: true, workerData, transferList }));
    }
  }
  return workers;
}

/** Sends one message to a worker and resolves with its answer (workers answer in order, one at a time). */
export function ask(worker: Worker, message: ToWorker): Promise<FromWorker> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => {
      worker.off('message', onMessage);
      reject(e);
    };
    const onMessage = (m: FromWorker): void => {
      worker.off('error', onError);
      resolve(m);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
    worker.postMessage(message);
  });
}
