import { describe, expect, it } from 'vitest';
import { checkTrace } from '../../conformance/trace/index.js';
import { QEMU_7_2, QEMU_11_0 } from '../../machines/profiles.js';
import { fixture } from './support/fixtures.js';

const sequence = (report: ReturnType<typeof checkTrace>) => report.statuses.map((s) => `${s.from}->${s.to}`);

describe('trace check: plain precopy to completion', () => {
  it('7.2 source: setup -> active -> completed conforms to qemu-7.2', () => {
    const report = checkTrace(fixture('precopy-7.2-source.jsonl'), { side: 'source', profile: QEMU_7_2 });
    expect(report.verdict).toBe('conforms');
    expect(sequence(report)).toEqual(['none->setup', 'setup->active', 'active->completed']);
    expect(report.statuses.map((s) => s.event)).toEqual(['migrate', 'setup-done', 'completion-done']);
    expect(report.warnings).toEqual([]);
    expect(report.findings).toEqual([]);
  });

  it('11.0 source: setup -> active -> device -> completed conforms to qemu-11.0', () => {
    const report = checkTrace(fixture('precopy-11.0-source.jsonl'), { side: 'source', profile: QEMU_11_0 });
    expect(report.verdict).toBe('conforms');
    expect(sequence(report)).toEqual(['none->setup', 'setup->active', 'active->device', 'device->completed']);
  });

  it('incoming: conforms to both; 7.2 setup is the documented quirk and the state stays none', () => {
    const old = checkTrace(fixture('precopy-incoming.jsonl'), { side: 'incoming', profile: QEMU_7_2 });
    expect(old.verdict).toBe('conforms');
    expect(old.statuses[0]).toMatchObject({ from: 'none', to: 'setup', allowed: true });
    expect(old.statuses[0]!.note).toMatch(/stays none/);
    expect(old.statuses[1]).toMatchObject({ from: 'none', to: 'active', event: 'load-start' });
    const current = checkTrace(fixture('precopy-incoming.jsonl'), { side: 'incoming', profile: QEMU_11_0 });
    expect(current.verdict).toBe('conforms');
    expect(current.statuses[1]).toMatchObject({ from: 'setup', to: 'active' });
  });

  it('a second migrate after completed is allowed (completed -> setup)', () => {
    const once = fixture('precopy-7.2-source.jsonl').trimEnd().split('\n');
    const again = [...once, ...once.slice(5).map((l) => l.replace('17000001', '17000002'))];
    const report = checkTrace(again, { side: 'source', profile: QEMU_7_2 });
    expect(report.verdict).toBe('conforms');
    expect(sequence(report)).toContain('completed->setup');
  });
});
