import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COLO_MESSAGES,
  faultOnLinks,
  inputOfItem,
  itemOfEffect,
  mainReadFacts,
  mainReadVerdict,
  multifdReadVerdict,
  sendCompletion,
  writeBlockedBy,
} from '../../machines/index.js';

describe('machines/link: what a link holds and what moves on it', () => {
  it('every COLO message a side sends reaches the other side as that peer input', () => {
    for (const message of COLO_MESSAGES) {
      const moved = itemOfEffect('primary', { kind: 'send', message });
      expect(moved).toEqual({ queue: 'to-secondary', item: message });
      expect(inputOfItem(message)).toEqual({ kind: 'peer', message });
      expect(itemOfEffect('secondary', { kind: 'send', message })?.queue).toBe('to-primary');
    }
  });

  it("a checkpoint's RAM is one item the reader loads (ram-loaded); the sender hears ram-sent, or channel-error when it could not write", () => {
    const sendRam = { kind: 'send-ram' } as const;
    expect(itemOfEffect('primary', sendRam)).toEqual({ queue: 'to-secondary', item: 'ram' });
    expect(inputOfItem('ram')).toEqual({ kind: 'io', completion: 'ram-loaded' });
    expect(sendCompletion(sendRam, true)).toEqual({ kind: 'io', completion: 'ram-sent' });
    expect(sendCompletion(sendRam, false)).toEqual({ kind: 'io', completion: 'channel-error' });
    expect(sendCompletion({ kind: 'send', message: 'checkpoint-request' }, false)).toBeNull();
    expect(inputOfItem('device')).toEqual({ kind: 'io', completion: 'device-state-received' });
    expect(itemOfEffect('primary', { kind: 'multifd-write', channel: 1, packet: 'sync' })).toEqual({
      queue: 'multifd',
      channel: 1,
      item: 'sync-packet',
    });
    expect(itemOfEffect('secondary', { kind: 'flush-ram-cache' })).toBeNull();
  });

  it('a kill loses what was in flight to the dead side only; a break loses everything and fails every write', () => {
    expect(faultOnLinks('kill', 'secondary')).toEqual({
      set: ['dead:secondary'],
      emptied: ['to-secondary', 'multifd'],
    });
    expect(faultOnLinks('kill', 'primary')).toEqual({ set: ['dead:primary'], emptied: ['to-primary'] });
    const broken = faultOnLinks('link-break', 'primary');
    expect(broken.emptied).toEqual(['to-primary', 'to-secondary', 'multifd']);
    for (const side of ['primary', 'secondary'] as const)
      for (const channel of ['main', 'multifd'] as const)
        expect(writeBlockedBy(side, channel)).toEqual(expect.arrayContaining([...broken.set]));
    expect(writeBlockedBy('primary', 'main')).toContain('dead:secondary');
    expect(mainReadFacts('secondary').peerGone).toEqual(['dead:primary', 'shut-main:primary']);
  });

  it('a main-channel read: a local failure wins over queued items, a gone peer only once the queue is empty, one error report', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (local, queued, errored, peerGone) => {
          const verdict = mainReadVerdict(false, true, local, queued, errored, peerGone);
          if (!local && queued) expect(verdict).toBe('deliver');
          else if (errored) expect(verdict).toBeNull();
          else expect(verdict).toBe(local || peerGone ? 'error' : null);
          // a dead side or one without a running COLO thread reads nothing
          expect(mainReadVerdict(true, true, local, queued, errored, peerGone)).toBeNull();
          expect(mainReadVerdict(false, false, local, queued, errored, peerGone)).toBeNull();
        },
      ),
    );
  });

  it('a multifd read: a failed read first, then the head packet in FIFO order, EOF once the sender is gone', () => {
    const heads = fc.constantFrom<'packet' | 'sync-packet' | null>('packet', 'sync-packet', null);
    fc.assert(
      fc.property(fc.boolean(), heads, fc.boolean(), (broken, head, senderGone) => {
        const verdict = multifdReadVerdict(false, true, broken, head, senderGone);
        expect(verdict).toBe(broken ? 'read-error' : (head ?? (senderGone ? 'eof' : null)));
        expect(multifdReadVerdict(false, false, broken, head, senderGone)).toBeNull();
      }),
    );
  });
});
