import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../../runtime/errors.js';
import {
  encodeMessage,
  encodePage,
  encodeVmstate,
  PAGE_SIZE,
  StreamDecoder,
} from '../../../runtime/wire/index.js';
import { RAM_PAGES, thrown } from './arbitraries.js';

const decoder = () => new StreamDecoder({ ramPages: RAM_PAGES });

describe('a stream that ends mid-frame', () => {
  it('finish() reports truncated-frame with the frame kind, its offset and the byte counts', () => {
    const page = Buffer.concat(encodePage(3, Buffer.alloc(PAGE_SIZE)));
    const d = decoder().push(encodeMessage('vmstate-send')).push(page.subarray(0, 100));
    expect(d.drain()).toEqual([{ kind: 'message', message: 'vmstate-send' }]);
    const e = thrown(() => d.finish());
    expect(e).toBeInstanceOf(LockstepError);
    expect(e).toMatchObject({
      code: 'truncated-frame',
      details: { message: 'page', offset: 4, expected: 12 + PAGE_SIZE, actual: 100 },
    });
  });

  it('names vmstate-size when the device blob is cut short', () => {
    const bytes = Buffer.concat(encodeVmstate(Buffer.alloc(50)));
    const d = decoder().push(bytes.subarray(0, 30));
    expect(thrown(() => d.finish())).toMatchObject({
      code: 'truncated-frame',
      details: { message: 'vmstate-size', offset: 0, expected: 62, actual: 30 },
    });
  });

  it('reports a partial opening word as a truncated frame', () => {
    const d = decoder().push(Buffer.of(0, 0));
    expect(thrown(() => d.finish())).toMatchObject({
      code: 'truncated-frame',
      details: { offset: 0, expected: 4, actual: 2 },
    });
  });

  it('finish() on a clean boundary returns the frames left and does not throw', () => {
    const d = decoder().push(encodeMessage('checkpoint-reply'));
    expect(d.finish()).toEqual([{ kind: 'message', message: 'checkpoint-reply' }]);
  });

  it('the error is sticky: later pushes rethrow it', () => {
    const d = decoder().push(Buffer.of(1));
    const e = thrown(() => d.finish());
    expect(thrown(() => d.push(Buffer.of(2)))).toBe(e);
  });
});
