import { describe, expect, it } from 'vitest';
import type { Effect } from '../../machines/index.js';
import { primaryCheckpoint } from './support/primary-round.js';

/** The multifd effects of a round, in order, as short text. */
const multifdTrail = (effects: readonly Effect[]) =>
  effects.flatMap((e) => {
    if (e.kind === 'multifd-job') return [`job ${e.channel}`];
    if (e.kind === 'multifd-write') return [`${e.packet} ${e.channel}`];
    if (e.kind === 'bitmap-sync' || e.kind === 'send-ram') return [e.kind];
    return [];
  });

describe('a multifd RAM round sends one job per packet (ram.c:ram_save_complete -> multifd_send)', () => {
  it('unanswered, the round makes one multifd_send, as the checker explores it', () => {
    const round = primaryCheckpoint(2, undefined);
    expect(multifdTrail(round.effects)).toEqual([
      'bitmap-sync',
      'job 0',
      'data 0',
      'sync 0',
      'sync 1',
      'send-ram',
    ]);
    expect(round.node().colo?.value).toBe('wait-vmstate-received');
    expect(round.node().ramJobs).toBe(0);
  });

  it('`ram-jobs` 5: five multifd_send calls, each handed to a free channel and written once', () => {
    const round = primaryCheckpoint(2, { kind: 'ram-jobs', jobs: 5 });
    const trail = multifdTrail(round.effects);
    expect(trail[0]).toBe('bitmap-sync');
    expect(trail.filter((t) => t.startsWith('job'))).toHaveLength(5);
    expect(trail.filter((t) => t.startsWith('data'))).toHaveLength(5);
    // every job is written by the channel it was handed to, before that channel takes another
    const bound = new Map<string, number>();
    for (const t of trail) {
      const [what, channel] = t.split(' ');
      if (what === 'job') {
        expect(bound.get(channel!) ?? 0).toBe(0);
        bound.set(channel!, 1);
      }
      if (what === 'data') {
        expect(bound.get(channel!)).toBe(1);
        bound.set(channel!, 0);
      }
    }
    // each channel writes its SYNC after its last job (multifd_send_thread: a pending job goes first),
    // and the main channel's part comes last
    for (const channel of ['0', '1'])
      expect(trail.lastIndexOf(`sync ${channel}`)).toBeGreaterThan(trail.lastIndexOf(`data ${channel}`));
    expect(trail.filter((t) => t.startsWith('sync'))).toHaveLength(2);
    expect(trail.at(-1)).toBe('send-ram');
    expect(round.node().ramJobs).toBe(0);
    expect(round.node().ramPhase).toBe('idle');
  });

  it('a `ram-jobs` outside a round changes nothing', () => {
    const round = primaryCheckpoint(2, undefined);
    const before = round.node();
    round.apply({ kind: 'ram-jobs', jobs: 9 });
    expect(round.node().ramJobs).toBe(0);
    expect(round.node().multifdSend).toBe(before.multifdSend);
  });
});
