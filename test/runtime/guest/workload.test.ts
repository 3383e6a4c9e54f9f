import { describe, expect, it } from 'vitest';
import { GuestRam, Workload, type WorkloadKind } from '../../../runtime/guest/index.js';

const run = (kind: WorkloadKind, seed: number, ticks = 10) => {
  const ram = new GuestRam(1024);
  const w = new Workload(ram, { kind, rate: 1000, seed, hotPages: 16 });
  const written: number[] = [];
  for (let i = 0; i < ticks; i++) written.push(...w.tick(10));
  return { ram, written };
};

describe('workloads', () => {
  it('write rate * time pages, carrying fractions between ticks', () => {
    const ram = new GuestRam(64);
    const w = new Workload(ram, { kind: 'uniform', rate: 150, seed: 1 });
    let n = 0;
    for (let i = 0; i < 100; i++) n += w.tick(1).length; // 0.15 page per tick
    expect(n).toBe(15);
  });

  it('are deterministic given a seed, and differ across seeds', () => {
    for (const kind of ['uniform', 'hot-set', 'sequential'] as const) {
      const a = run(kind, 42);
      const b = run(kind, 42);
      expect(a.written).toEqual(b.written);
      expect(a.ram.digest()).toBe(b.ram.digest());
      expect(run(kind, 43).ram.digest()).not.toBe(a.ram.digest());
    }
  });

  it('write random bytes and mark exactly the written pages dirty', () => {
    const { ram, written } = run('uniform', 5);
    expect([...ram.dirty]).toEqual([...new Set(written)].sort((x, y) => x - y));
    for (const p of written) expect(ram.isZero(p)).toBe(false);
  });

  it('follow their pattern: idle writes nothing, hot-set stays in its set, sequential walks and wraps', () => {
    expect(run('idle', 1).written).toEqual([]);
    const hot = run('hot-set', 1).written;
    expect(new Set(hot).size).toBeLessThanOrEqual(16);
    expect(Math.max(...hot) - Math.min(...hot)).toBeLessThan(16);
    const seq = run('sequential', 1, 110).written;
    expect(seq.slice(0, 3)).toEqual([0, 1, 2]);
    expect(seq[1024]).toBe(0);
  });
});
