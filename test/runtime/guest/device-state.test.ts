import { describe, expect, it } from 'vitest';
import { DEVICE_STATE_SIZE, DeviceState, Prng } from '../../../runtime/guest/index.js';

describe('DeviceState', () => {
  it('changes as the guest runs and round-trips through serialise', () => {
    const s = DeviceState.reset();
    const before = s.digest();
    s.advance(10, new Prng(3));
    expect(s.digest()).not.toBe(before);
    expect(s.register('tsc')).toBe(10_000_000n);
    expect(s.counter('timer-ticks')).toBe(10n);
    const blob = s.serialise();
    expect(blob.byteLength).toBe(DEVICE_STATE_SIZE);
    const t = DeviceState.deserialise(blob);
    expect(t.digest()).toBe(s.digest());
    expect(t.register('rip')).toBe(s.register('rip'));
  });

  it('is deterministic from the seed', () => {
    const a = DeviceState.reset();
    const b = DeviceState.reset();
    const ra = new Prng(9);
    const rb = new Prng(9);
    for (let i = 0; i < 50; i++) {
      a.advance(1, ra);
      b.advance(1, rb);
    }
    expect(a.digest()).toBe(b.digest());
  });

  it('rejects a blob of the wrong size or header', () => {
    expect(() => DeviceState.deserialise(new Uint8Array(10))).toThrow(/device state has length 10/);
    expect(() => DeviceState.deserialise(new Uint8Array(DEVICE_STATE_SIZE))).toThrow(
      /device state blob is not valid/,
    );
  });
});
