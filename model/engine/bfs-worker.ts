import { parentPort, workerData } from 'node:worker_threads';
import { fingerprint } from './fingerprint.js';
import { FingerprintSet } from './fingerprint-set.js';
import type { WorkerSource } from './options.js';
import { NO_PARENT, ParentLinks } from './parent-links.js';
import type { Property } from './property.js';
import type { Model } from './types.js';
import {
  type Batch,
  type FromWorker,
  globalRef,
  type ToWorker,
  type WorkerFinding,
} from './worker-protocol.js';

/*
 * One BFS worker: owns the states whose fingerprint's low word is its index modulo the worker count.
 * It keeps their visited set, parent links and frontier; successors owned by others go back to the
 * coordinator in batches. Everything here runs once per state, so it mirrors bfs.ts's hot loop.
 */
const { source, index, count, symmetry, deadlock } = workerData as {
  source: WorkerSource;
  index: number;
  count: number;
  symmetry: boolean;
  deadlock: boolean;
};
const exported: unknown = ((await import(source.module)) as Record<string, unknown>)[source.export];
if (typeof exported !== 'function')
  throw new Error(`worker: ${source.module} has no function ${source.export}`);
const model = (exported as (o: unknown) => Model<unknown, unknown>)(source.options);
const props: Property<unknown>[] = model.properties().filter((p) => p.kind !== 'eventually');
const found = new Set<string>();
const seen = new FingerprintSet();
const links = new ParentLinks();
const fp = new Uint32Array(2);
let frontier: unknown[] = [];
let next: unknown[] = [];
let levelStart = 0;
let findings: WorkerFinding[] = [];

function hash(s: unknown): void {
  fingerprint(model.encode(symmetry && model.representative ? model.representative(s) : s), fp);
}

function note(property: string, kind: WorkerFinding['kind'], violation: boolean, local: number): void {
  found.add(property);
  findings.push({ property, kind, violation, ref: globalRef(local, index, count) });
}

// Inserts an owned state (fingerprint already in fp); checks properties on new ones.
function insert(s: unknown, parent: number, action: number): void {
  if (!seen.add(fp[0]!, fp[1]!)) return;
  admit(s, parent, action);
}

function admit(s: unknown, parent: number, action: number): void {
  const local = links.push(parent, action);
  next.push(s);
  for (const p of props) {
    if (found.has(p.name)) continue;
    const ok = p.holds(s);
    if (p.kind === 'always' && !ok) note(p.name, 'safety', true, local);
    if (p.kind === 'sometimes' && ok) note(p.name, 'sometimes', false, local);
  }
}

function expand(): FromWorker<unknown> {
  const outbox: Batch<unknown>[] = Array.from({ length: count }, () => ({
    states: [],
    fingerprints: [],
    parents: [],
    actions: [],
  }));
  const out: unknown[] = [];
  let transitions = 0;
  for (let i = 0; i < frontier.length; i++) {
    const s = frontier[i];
    const ref = globalRef(levelStart + i, index, count);
    out.length = 0;
    model.actions(s, out);
    let enabled = 0;
    for (let k = 0; k < out.length; k++) {
      const t = model.nextState(s, out[k]);
      if (t === null) continue;
      enabled++;
      hash(t);
      const owner = fp[1]! % count;
      if (owner === index) insert(t, ref, k);
      else {
        const b = outbox[owner]!;
        b.states.push(model.pack ? model.pack(t, owner) : t);
        b.fingerprints.push(fp[0]!, fp[1]!);
        b.parents.push(ref);
        b.actions.push(k);
      }
    }
    transitions += enabled;
    if (enabled === 0 && deadlock && !found.has('deadlock') && !model.isEndState?.(s)) {
      note('deadlock', 'deadlock', true, levelStart + i);
    }
  }
  levelStart += frontier.length;
  if (model.dictionary)
    outbox.forEach((b, owner) => {
      if (b.states.length > 0) b.dictionary = model.dictionary!(owner);
    });
  return { type: 'expanded', outbox, transitions, findings: take() };
}

function take(): WorkerFinding[] {
  const f = findings;
  findings = [];
  return f;
}

function inserted(): FromWorker<unknown> {
  const added = next.length;
  frontier = next;
  next = [];
  return { type: 'inserted', added, size: seen.size, bytes: seen.bytes + links.bytes, findings: take() };
}

parentPort!.on('message', (m: ToWorker<unknown>) => {
  if (m.type === 'init') {
    model.initStates().forEach((s, i) => {
      hash(s);
      if (fp[1]! % count === index) insert(s, NO_PARENT, i);
    });
    parentPort!.postMessage(inserted());
  } else if (m.type === 'expand') parentPort!.postMessage(expand());
  else if (m.type === 'insert') {
    for (const b of m.batches) {
      if (b.dictionary !== undefined) model.learn?.(b.dictionary);
      for (let j = 0; j < b.states.length; j++) {
        if (!seen.add(b.fingerprints[2 * j]!, b.fingerprints[2 * j + 1]!)) continue;
        const packed = b.states[j];
        admit(model.unpack ? model.unpack(packed) : packed, b.parents[j]!, b.actions[j]!);
      }
    }
    parentPort!.postMessage(inserted());
  } else if (m.type === 'link') {
    parentPort!.postMessage({ type: 'link', parent: links.parent(m.local), action: links.action(m.local) });
  } else parentPort!.close();
});
