import { describe, expect, it } from 'vitest';
import { checkTrace, TraceReadError } from '../../conformance/trace/index.js';
import { QEMU_7_2 } from '../../machines/profiles.js';
import { fixture } from './support/fixtures.js';

const source = { side: 'source', profile: QEMU_7_2 } as const;

describe('trace check: bad input is read past with warnings naming the line', () => {
  it('garbage, non-QMP JSON, unknown events, time running backwards and a truncated last line', () => {
    const report = checkTrace(fixture('bad-lines-7.2-source.jsonl'), source);
    expect(report.warnings.map((w) => [w.line, w.code])).toEqual([
      [7, 'garbage'],
      [8, 'not-qmp'],
      [9, 'unknown-event'],
      [10, 'time-order'],
      [13, 'truncated'],
    ]);
    expect(report.warnings.at(-1)!.message).toMatch(/at the end of the log/);
    expect(report.verdict).toBe('conforms');
    expect(report.statuses.map((s) => s.to)).toEqual(['setup', 'active', 'completed']);
  });

  it('unknown commands, replies to nothing and events without timestamps are warned about', () => {
    const lines = [
      '{"QMP": {"capabilities": []}}',
      '{"execute": "frobnicate", "id": 1}',
      '{"return": {}, "id": 1}',
      '{"return": {}, "id": 99}',
      '{"event": "STOP"}',
      '{"event": "MIGRATION", "data": {}, "timestamp": {"seconds": 1, "microseconds": 0}}',
    ];
    const codes = checkTrace(lines, source).warnings.map((w) => [w.line, w.code]);
    expect(codes).toEqual([
      [2, 'unknown-command'],
      [4, 'unmatched-reply'],
      [5, 'no-timestamp'],
      [6, 'bad-event'],
    ]);
  });

  it('a statuses QEMU does not know is a violation, not a crash', () => {
    const lines = [
      '{"QMP": {"capabilities": []}}',
      '{"event": "MIGRATION", "data": {"status": "exploding"}, "timestamp": {"seconds": 1, "microseconds": 0}}',
    ];
    expect(checkTrace(lines, source).violations[0]).toMatchObject({
      line: 2,
      why: 'qemu-7.2 has no status exploding',
    });
  });
});

describe('trace check: unreadable input throws TraceReadError with the line', () => {
  it('first line not JSON', () => {
    const error = (() => {
      try {
        checkTrace(fixture('not-qmp.jsonl'), source);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(TraceReadError);
    expect(error).toMatchObject({ line: 1 });
  });

  it('first line JSON but no QMP message; blank lines before it are counted', () => {
    expect(() => checkTrace(['', '{"hello": 1}'], source)).toThrow(/line 2: not a QMP/);
  });

  it('an empty log', () => {
    expect(() => checkTrace('', source)).toThrow(TraceReadError);
    expect(() => checkTrace('\n\n', source)).toThrow(/empty/);
  });

  it('a peer log that is unreadable is reported the same way', () => {
    expect(() => checkTrace(fixture('precopy-7.2-source.jsonl'), { ...source, peer: 'nope' })).toThrow(
      TraceReadError,
    );
  });
});
