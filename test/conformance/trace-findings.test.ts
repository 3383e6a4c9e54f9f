import { describe, expect, it } from 'vitest';
import { checkTrace } from '../../conformance/trace/index.js';
import { QEMU_7_2 } from '../../machines/profiles.js';
import { fixture } from './support/fixtures.js';

const source = { side: 'source', profile: QEMU_7_2 } as const;

describe('trace check: legal but alarming findings', () => {
  it('COLO_EXIT(error) with no failover yet: waiting for the operator', () => {
    const report = checkTrace(fixture('colo-exit-error-7.2-source.jsonl'), source);
    expect(report.verdict).toBe('conforms');
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'waiting-for-operator', line: 13 })]);
  });

  it('the finding goes once the operator fails over; colo -> completed is then legal', () => {
    const report = checkTrace(fixture('primary-failover-7.2-source.jsonl'), source);
    expect(report.verdict).toBe('conforms');
    expect(report.findings).toEqual([]);
    expect(report.statuses.at(-1)).toMatchObject({ from: 'colo', to: 'completed', event: 'failover' });
  });

  it('a STOP with no RESUME while in-band commands get no reply: wedged, OOB still answering', () => {
    const report = checkTrace(fixture('wedged-7.2-source.jsonl'), source);
    expect(report.findings).toHaveLength(1);
    const [wedged] = report.findings;
    expect(wedged).toMatchObject({ kind: 'wedged', line: 8 });
    expect(wedged!.detail).toMatch(/query-status \(line 9\), query-migrate \(line 12\)/);
    expect(wedged!.detail).toMatch(/out-of-band commands still answered \(1\)/);
  });

  it('a plain migration that stops the source and answers everything is not wedged', () => {
    expect(checkTrace(fixture('precopy-7.2-source.jsonl'), source).findings).toEqual([]);
  });
});

describe('trace check: split brain with --peer', () => {
  it('the secondary takes over while the primary still runs: both serve', () => {
    const report = checkTrace(fixture('colo-exit-error-7.2-source.jsonl'), {
      ...source,
      peer: fixture('secondary-failover-7.2-incoming.jsonl'),
    });
    const split = report.findings.find((f) => f.kind === 'split-brain');
    expect(split).toMatchObject({ line: 12, peerLine: 15 });
    expect(split!.detail).toMatch(/2023-11-14T22:15:05/);
  });

  it('the same takeover after the primary was killed is no split brain', () => {
    const report = checkTrace(fixture('primary-killed-7.2-source.jsonl'), {
      ...source,
      peer: fixture('secondary-failover-7.2-incoming.jsonl'),
    });
    expect(report.findings.filter((f) => f.kind === 'split-brain')).toEqual([]);
  });

  it('works from either side', () => {
    const report = checkTrace(fixture('secondary-failover-7.2-incoming.jsonl'), {
      side: 'incoming',
      profile: QEMU_7_2,
      peer: fixture('colo-exit-error-7.2-source.jsonl'),
    });
    expect(report.verdict).toBe('conforms');
    expect(report.findings).toEqual([
      expect.objectContaining({ kind: 'split-brain', line: 15, peerLine: 12 }),
    ]);
  });
});
