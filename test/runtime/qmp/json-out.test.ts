import { describe, expect, it } from 'vitest';
import { qmpJson, qmpLine } from '../../../runtime/qmp/json-out.js';

describe('QMP output format', () => {
  it("writes QEMU's compact JSON: ', ' and ': ' separators, empty containers, \\r\\n lines", () => {
    expect(qmpLine({ return: {}, id: [1, 'a', null, true] })).toBe(
      '{"return": {}, "id": [1, "a", null, true]}\r\n',
    );
    expect(qmpJson({ a: undefined, b: [] })).toBe('{"b": []}');
  });

  it('is ASCII only, escaping the rest as \\uXXXX like qobject/qjson.c', () => {
    expect(qmpJson('żółw 🐢\u007f')).toBe('"\\u017C\\u00F3\\u0142w \\uD83D\\uDC22\\u007F"');
    expect(JSON.parse(qmpJson('żółw 🐢'))).toBe('żółw 🐢');
  });
});
