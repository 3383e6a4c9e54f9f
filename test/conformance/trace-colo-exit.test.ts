import { describe, expect, it } from 'vitest';
import { checkTrace } from '../../conformance/trace/index.js';
import { QEMU_7_2 } from '../../machines/profiles.js';
import { fixture } from './support/fixtures.js';

const base = fixture('colo-7.2-source.jsonl').trimEnd().split('\n');
const exit = (mode: string, reason: string) =>
  `{"timestamp": {"seconds": 1700000110, "microseconds": 0}, "event": "COLO_EXIT", "data": {"mode": "${mode}", "reason": "${reason}"}}`;
const source = { side: 'source', profile: QEMU_7_2 } as const;

describe('trace check: COLO_EXIT payloads against the failover machine', () => {
  it('reason request with no failover requested cannot be produced (coloExitReason gives error)', () => {
    const report = checkTrace([...base, exit('primary', 'request')], source);
    expect(report.violations).toEqual([
      expect.objectContaining({
        line: 13,
        kind: 'colo-exit',
        to: 'primary/request',
        why: expect.stringMatching(/only report error/),
      }),
    ]);
  });

  it('the mode must be the side the log comes from', () => {
    const report = checkTrace([...base, exit('secondary', 'error')], source);
    expect(report.violations[0]!.why).toMatch(/mode secondary on the source side/);
  });

  it('reasons none and processing never appear in COLO_EXIT', () => {
    for (const reason of ['none', 'processing']) {
      expect(checkTrace([...base, exit('primary', reason)], source).verdict).toBe('violates');
    }
  });

  it('COLO_EXIT before colo, or twice, violates', () => {
    const precopy = fixture('precopy-7.2-source.jsonl').trimEnd().split('\n');
    expect(checkTrace([...precopy, exit('primary', 'error')], source).violations[0]!.why).toMatch(
      /never reached colo/,
    );
    const twice = checkTrace([...base, exit('primary', 'error'), exit('primary', 'error')], source);
    expect(twice.violations[0]!.why).toMatch(/second COLO_EXIT/);
  });

  it('after a heartbeat either reason can be produced (the reason race, reference §5 quirk 1)', () => {
    const heartbeat = ['{"execute": "x-colo-lost-heartbeat", "id": "h"}', '{"return": {}, "id": "h"}'];
    for (const reason of ['request', 'error']) {
      const report = checkTrace([...base, ...heartbeat, exit('primary', reason)], source);
      expect(report.verdict).toBe('conforms');
      expect(report.findings).toEqual([]);
    }
  });

  it('colo -> completed without any failover request violates the failover machine', () => {
    const completed =
      '{"timestamp": {"seconds": 1700000111, "microseconds": 0}, "event": "MIGRATION", "data": {"status": "completed"}}';
    const report = checkTrace([...base, completed], source);
    expect(report.violations).toEqual([
      expect.objectContaining({ kind: 'failover', from: 'colo', to: 'completed' }),
    ]);
  });

  it('a heartbeat that succeeds outside COLO is reported', () => {
    const precopy = fixture('precopy-7.2-source.jsonl').trimEnd().split('\n');
    const heartbeat = ['{"execute": "x-colo-lost-heartbeat", "id": "h"}', '{"return": {}, "id": "h"}'];
    const report = checkTrace([...precopy, ...heartbeat], source);
    expect(report.violations[0]).toMatchObject({ kind: 'failover', line: 11 });
  });
});
