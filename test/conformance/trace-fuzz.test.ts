import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTrace, TraceReadError } from '../../conformance/trace/index.js';
import { QEMU_7_2, QEMU_11_0 } from '../../machines/profiles.js';
import { fixture } from './support/fixtures.js';

const LOGS = [
  'colo-exit-error-7.2-source.jsonl',
  'secondary-failover-7.2-incoming.jsonl',
  'wedged-7.2-source.jsonl',
];

/** A byte-level edit: overwrite, insert or delete one byte at a position (scaled to the log's length). */
const mutation = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
  op: fc.constantFrom('set', 'insert', 'delete'),
  byte: fc.integer({ min: 0, max: 255 }),
});

function mutate(text: string, edits: Array<{ at: number; op: string; byte: number }>): string {
  let bytes = Buffer.from(text, 'utf8');
  for (const { at, op, byte } of edits) {
    const i = Math.floor(at * bytes.length);
    if (op === 'set') bytes[i] = byte;
    else if (op === 'insert')
      bytes = Buffer.concat([bytes.subarray(0, i), Buffer.of(byte), bytes.subarray(i)]);
    else bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
  }
  return bytes.toString('utf8');
}

describe('trace check never crashes on mutated logs', () => {
  it('returns a report or throws TraceReadError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LOGS),
        fc.array(mutation, { minLength: 1, maxLength: 12 }),
        fc.constantFrom(QEMU_7_2, QEMU_11_0),
        fc.constantFrom('source' as const, 'incoming' as const),
        fc.boolean(),
        (name, edits, profile, side, withPeer) => {
          const text = mutate(fixture(name), edits);
          try {
            const peer = withPeer ? { peer: fixture(LOGS[1]!) } : {};
            const report = checkTrace(text, { side, profile, ...peer });
            expect(['conforms', 'violates']).toContain(report.verdict);
            for (const item of [...report.violations, ...report.warnings, ...report.findings]) {
              expect(item.line).toBeGreaterThan(0);
            }
          } catch (error) {
            expect(error).toBeInstanceOf(TraceReadError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('trace check never crashes on structurally odd QMP', () => {
  it('arbitrary JSON in arguments, data, ids and timestamps', () => {
    const base = fixture('colo-exit-error-7.2-source.jsonl').trimEnd().split('\n');
    const odd = fc.jsonValue({ maxDepth: 3 });
    const line = fc.oneof(
      odd.map((v) =>
        JSON.stringify({ execute: 'migrate-set-capabilities', arguments: { capabilities: v }, id: 'x' }),
      ),
      odd.map((v) => JSON.stringify({ execute: 'x-colo-lost-heartbeat', arguments: v, id: v })),
      odd.map((v) => JSON.stringify({ return: v, id: 'x' })),
      odd.map((v) => JSON.stringify({ error: { class: 'GenericError', desc: 'x' }, id: v })),
      odd.map((v) => JSON.stringify({ event: 'MIGRATION', data: { status: v }, timestamp: v })),
      odd.map((v) =>
        JSON.stringify({ event: 'COLO_EXIT', data: v, timestamp: { seconds: 1, microseconds: 0 } }),
      ),
      odd.map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), line), { maxLength: 10 }), (inserts) => {
        const lines = [...base];
        for (const [at, text] of inserts) lines.splice(1 + (at % lines.length), 0, text);
        const report = checkTrace(lines, { side: 'source', profile: QEMU_7_2 });
        expect(['conforms', 'violates']).toContain(report.verdict);
      }),
      { numRuns: 300 },
    );
  });
});
