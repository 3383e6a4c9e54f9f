import { describe, expect, it } from 'vitest';
import { checkTrace } from '../../conformance/trace/index.js';
import { QEMU_7_2, QEMU_11_0 } from '../../machines/profiles.js';
import { fixture } from './support/fixtures.js';

describe('trace check: COLO bring-up', () => {
  it('7.2 with x-colo: active -> colo conforms', () => {
    const report = checkTrace(fixture('colo-7.2-source.jsonl'), { side: 'source', profile: QEMU_7_2 });
    expect(report.verdict).toBe('conforms');
    expect(report.statuses.at(-1)).toMatchObject({ from: 'active', to: 'colo', event: 'completion-done' });
  });

  it('11.0 with x-colo: active -> device -> colo conforms', () => {
    const report = checkTrace(fixture('colo-11.0-source.jsonl'), { side: 'source', profile: QEMU_11_0 });
    expect(report.verdict).toBe('conforms');
    expect(report.statuses.slice(-2).map((s) => s.to)).toEqual(['device', 'colo']);
  });

  it('colo without x-colo violates, naming the line and the capability', () => {
    const report = checkTrace(fixture('colo-without-x-colo-7.2-source.jsonl'), {
      side: 'source',
      profile: QEMU_7_2,
    });
    expect(report.verdict).toBe('violates');
    expect(report.violations).toEqual([
      {
        line: 9,
        kind: 'status',
        from: 'active',
        to: 'colo',
        why: 'colo requires x-colo; capabilities: x-colo=false',
      },
    ]);
  });

  it('7.2 incoming enters colo without its own x-colo (MIG_CMD_ENABLE_COLO, assumed); 11.0 needs x-colo', () => {
    const old = checkTrace(fixture('colo-7.2-incoming.jsonl'), { side: 'incoming', profile: QEMU_7_2 });
    expect(old.verdict).toBe('conforms');
    expect(old.statuses.at(-1)!.note).toMatch(/enable-colo/);
    const current = checkTrace(fixture('colo-7.2-incoming.jsonl'), { side: 'incoming', profile: QEMU_11_0 });
    expect(current.violations[0]).toMatchObject({
      to: 'colo',
      why: 'colo requires x-colo; capabilities: x-colo=false',
    });
  });
});
