import { describe, expect, it } from 'vitest';
import { checkTrace } from '../../conformance/trace/index.js';
import { QEMU_7_2, QEMU_11_0 } from '../../machines/profiles.js';
import { fixture } from './support/fixtures.js';

describe('trace check: a log held against the other profile', () => {
  it('a 7.2 precopy source as 11.0 violates: active -> completed needs background-snapshot there', () => {
    const report = checkTrace(fixture('precopy-7.2-source.jsonl'), { side: 'source', profile: QEMU_11_0 });
    expect(report.verdict).toBe('violates');
    expect(report.violations).toEqual([
      expect.objectContaining({
        line: 9,
        from: 'active',
        to: 'completed',
        why: expect.stringMatching(/background-snapshot/),
      }),
    ]);
  });

  it('an 11.0 precopy source as 7.2 violates: no active -> device in 7.2', () => {
    const report = checkTrace(fixture('precopy-11.0-source.jsonl'), { side: 'source', profile: QEMU_7_2 });
    expect(report.verdict).toBe('violates');
    expect(report.violations[0]).toMatchObject({ line: 9, from: 'active', to: 'device' });
    expect(report.violations[0]!.why).toBe('no transition active -> device in qemu-7.2');
  });

  it('a 7.2 COLO source as 11.0 violates (active -> colo), an 11.0 one as 7.2 too (device -> colo)', () => {
    const old = checkTrace(fixture('colo-7.2-source.jsonl'), { side: 'source', profile: QEMU_11_0 });
    expect(old.violations[0]).toMatchObject({
      from: 'active',
      to: 'colo',
      why: 'no transition active -> colo in qemu-11.0',
    });
    const current = checkTrace(fixture('colo-11.0-source.jsonl'), { side: 'source', profile: QEMU_7_2 });
    expect(current.violations.map((v) => `${v.from}->${v.to}`)).toEqual(['active->device', 'device->colo']);
  });

  it('an 11.0 failing -> failed conforms to 11.0 and violates 7.2, which has no failing', () => {
    const current = checkTrace(fixture('failing-11.0-source.jsonl'), { side: 'source', profile: QEMU_11_0 });
    expect(current.verdict).toBe('conforms');
    expect(current.statuses.map((s) => s.event)).toEqual([
      'migrate',
      'setup-done',
      'thread-setup-failed',
      'cleanup',
    ]);
    const old = checkTrace(fixture('failing-11.0-source.jsonl'), { side: 'source', profile: QEMU_7_2 });
    expect(old.violations[0]).toMatchObject({
      line: 8,
      to: 'failing',
      why: 'qemu-7.2 has no status failing',
    });
    expect(old.warnings.map((w) => w.code)).toEqual(['unchecked']);
  });
});
