import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../../runtime/errors.js';
import { encodeMessage, StreamDecoder } from '../../../runtime/wire/index.js';
import { be32, RAM_PAGES, thrown } from './arbitraries.js';

const decode = (bytes: Buffer) => new StreamDecoder({ ramPages: RAM_PAGES }).push(bytes).drain();

describe('values the decoder does not know', () => {
  it('a COLO message value past vmstate-loaded is unknown-message at its offset (colo.c:colo_receive_message)', () => {
    const bytes = Buffer.concat([
      encodeMessage('checkpoint-request'),
      encodeMessage('checkpoint-reply'),
      be32(7),
    ]);
    const e = thrown(() => decode(bytes));
    expect(e).toBeInstanceOf(LockstepError);
    expect(e).toMatchObject({ code: 'unknown-message', details: { actual: 7, offset: 8 } });
    expect((e as Error).message).toContain('at byte 8');
  });

  it('a huge be32 is an unknown message, not a crash', () => {
    expect(thrown(() => decode(be32(0xffffffff)))).toMatchObject({
      code: 'unknown-message',
      details: { actual: 0xffffffff },
    });
  });

  it('an "LS" word with an unknown kind is unknown-frame at its offset', () => {
    const e = thrown(() => decode(Buffer.concat([encodeMessage('vmstate-send'), be32(0x4c530001)])));
    expect(e).toMatchObject({ code: 'unknown-frame', details: { actual: '0x4c530001', offset: 4 } });
  });

  it('a digest with an unknown subject is unknown-frame at the subject field', () => {
    const e = thrown(() => decode(Buffer.concat([be32(0x4c534000, 2), Buffer.alloc(32)])));
    expect(e).toMatchObject({
      code: 'unknown-frame',
      details: { message: 'digest subject', actual: 2, offset: 4 },
    });
  });
});
