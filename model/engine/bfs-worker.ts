import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { type Batch, BatchReader, BatchWriter } from './batch.js';
import { fingerprint } from './fingerprint.js';
import { FingerprintSet } from './fingerprint-set.js';
import type { WorkerSource } from './options.js';
import { NO_PARENT, ParentLinks } from './parent-links.js';
import type { Property } from './property.js';
import type { Model } from './types.js';
import { livenessInWorker } from './worker-liveness.js';
import { type FromWorker, globalRef, type ToWorker, type WorkerFinding } from './worker-protocol.js';

/*
 * One BFS worker: owns the states whose fingerprint's low word is its index modulo the worker count.
 * It keeps their visited set, parent links and frontier; successors owned by others go straight to their
 * owner through a MessagePort per peer (a flat buffer per flush, transferred), so the coordinator only
 * runs the level barrier. Everything here runs once per state, so it mirrors bfs.ts's hot loop.
 */
const { source, index, count, symmetry, deadlock, peers } = workerData as {
  source: WorkerSource;
  index: number;
  count: number;
  symmetry: boolean;
  deadlock: boolean;
  peers: (MessagePort | null)[];
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
const outbox = peers.map((p) => (p ? new BatchWriter() : null));
const reader = new BatchReader();
// a flush every this many words lets an idle peer insert while the sender is still expanding
const FLUSH_WORDS = 1 << 16;
let frontier: unknown[] = [];
let next: unknown[] = [];
let levelStart = 0;
let findings: WorkerFinding[] = [];
let transitions = 0;
// the level ends once this worker has expanded its frontier and every peer has sent its last batch
let expanded = false;
let peersDone = 0;

function hash(s: unknown): void {
  fingerprint(model.encode(symmetry && model.representative ? model.representative(s) : s), fp);
}

function note(property: string, kind: WorkerFinding['kind'], violation: boolean, local: number): void {
  found.add(property);
  findings.push({ property, kind, violation, ref: globalRef(local, index, count) });
}

// A state new to this worker: it gets the next local id, joins the next frontier, is checked.
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

function flush(owner: number, last: boolean): void {
  const w = outbox[owner]!;
  const batch: Batch = { ...w.take(), last };
  if (model.dictionary) batch.dictionary = model.dictionary(owner);
  peers[owner]!.postMessage(batch, [batch.words.buffer]);
}

function expand(): void {
  const out: unknown[] = [];
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
      if (owner === index) {
        if (seen.add(fp[0]!, fp[1]!)) admit(t, ref, k);
        continue;
      }
      const w = outbox[owner]!;
      w.add(fp[0]!, fp[1]!, ref, k, model.pack ? model.pack(t, owner) : t);
      if (w.length >= FLUSH_WORDS) flush(owner, false);
    }
    transitions += enabled;
    if (enabled === 0 && deadlock && !found.has('deadlock') && !model.isEndState?.(s)) {
      note('deadlock', 'deadlock', true, levelStart + i);
    }
  }
  levelStart += frontier.length;
  for (let owner = 0; owner < count; owner++) if (owner !== index) flush(owner, true);
}

// States a peer found for the next level: only fingerprints new here are unpacked.
function receive(batch: Batch): void {
  if (batch.dictionary !== undefined) model.learn?.(batch.dictionary);
  reader.reset(batch);
  while (reader.next()) {
    if (!seen.add(reader.hi, reader.lo)) continue;
    const packed = reader.packed();
    admit(model.unpack ? model.unpack(packed) : packed, reader.parent, reader.action);
  }
  if (batch.last) peersDone++;
  settle();
}

// Answers the level once both halves are in: a peer's batches may arrive before this worker's own
// 'expand' (its level starts when the coordinator's message gets here), never from the level after.
function settle(): void {
  if (!expanded || peersDone < count - 1) return;
  const done: FromWorker = {
    type: 'level',
    added: next.length,
    size: seen.size,
    bytes: seen.bytes + links.bytes,
    transitions,
    findings,
  };
  frontier = next;
  next = [];
  findings = [];
  transitions = 0;
  expanded = false;
  peersDone = 0;
  parentPort!.postMessage(done);
}

for (const port of peers) port?.on('message', receive);

parentPort!.on('message', (m: ToWorker) => {
  if (m.type === 'init') {
    // every worker walks the initial states; each keeps the ones it owns, so there is nothing to send
    model.initStates().forEach((s, i) => {
      hash(s);
      if (fp[1]! % count === index && seen.add(fp[0]!, fp[1]!)) admit(s, NO_PARENT, i);
    });
    expanded = true;
    peersDone = count - 1;
    settle();
  } else if (m.type === 'expand') {
    expand();
    expanded = true;
    settle();
  } else if (m.type === 'link') {
    parentPort!.postMessage({ type: 'link', parent: links.parent(m.local), action: links.action(m.local) });
  } else if (m.type === 'liveness') {
    const traces = livenessInWorker(model, symmetry, (position) => position % count === index);
    parentPort!.postMessage({ type: 'liveness', traces });
  } else {
    for (const port of peers) port?.close();
    parentPort!.close();
  }
});
