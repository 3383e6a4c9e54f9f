import { describe, expect, it } from 'vitest';
import { COLO_MESSAGES } from '../../../machines/vocabulary.js';
import { encodeFrame, encodeMessage, encodeVmstate, PAGE_SIZE } from '../../../runtime/wire/index.js';

describe('COLO messages are the bytes QEMU sends', () => {
  it('a message is its be32 COLOMessage value (colo.c:colo_send_message)', () => {
    expect(encodeMessage('checkpoint-ready').toString('hex')).toBe('00000000');
    expect(encodeMessage('checkpoint-request').toString('hex')).toBe('00000001');
    expect(encodeMessage('vmstate-loaded').toString('hex')).toBe('00000006');
    expect(COLO_MESSAGES.indexOf('vmstate-size')).toBe(4);
  });

  it('VMSTATE_SIZE is followed by a be64 size and the blob', () => {
    const blob = Buffer.from('device');
    expect(Buffer.concat(encodeVmstate(blob)).toString('hex')).toBe(
      `00000004${'0000000000000006'}${blob.toString('hex')}`,
    );
  });

  it('RAM frames are tagged "LS" and carry QEMU flag values', () => {
    expect(Buffer.concat(encodeFrame({ kind: 'eof' })).toString('hex')).toBe('4c530000');
    expect(Buffer.concat(encodeFrame({ kind: 'zero', index: 9 })).toString('hex')).toBe(
      '4c5300020000000000000009',
    );
    const page = Buffer.concat(encodeFrame({ kind: 'page', index: 1, data: Buffer.alloc(PAGE_SIZE, 7) }));
    expect(page.subarray(0, 12).toString('hex')).toBe('4c5300080000000000000001');
    expect(page.length).toBe(12 + PAGE_SIZE);
    expect(Buffer.concat(encodeFrame({ kind: 'flush' })).toString('hex')).toBe('4c530200');
  });

  it('encoding passes page data through without copying', () => {
    const data = Buffer.alloc(2 * PAGE_SIZE);
    const chunks = encodeFrame({ kind: 'batch', indexes: Uint32Array.of(0, 1), data });
    expect(chunks[1]).toBe(data);
  });
});
