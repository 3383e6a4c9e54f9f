import { and, assign, setup } from 'xstate';
import type { ChannelParams } from './counters.js';
import { bump, channelIndexes, checkChannels, put } from './counters.js';
import { channelTag, TAG } from './tags.js';

/** What a channel thread's write put on its socket: a page batch (`data`) or a SYNC packet. @public */
export interface PacketWritten {
  readonly channel: number;
  readonly packet: 'data' | 'sync';
}

/**
 * Options of the multifd send machine.
 * @public
 */
export interface MultifdSendOptions {
  /** Number of multifd channels (multifd-channels), 1 to 16; default 2. */
  readonly channels?: number;
  /**
   * "multifd: Fix hang if send thread errors during sync": every exiting channel thread kicks the main
   * thread (posts its sem_sync and channels_ready), not only the one that failed. On by default; off
   * reproduces the hang of reference §7.
   */
  readonly kickOnExit?: boolean;
}

/**
 * The shared state of multifd.c's send side: the `exiting` flag, the `channels_ready` semaphore, and per
 * channel `sem`, `sem_sync`, `pending_job` and `pending_sync` (only MULTIFD_SYNC_ALL is modelled).
 * @public
 */
export interface MultifdSendContext {
  readonly exiting: boolean;
  readonly channelsReady: number;
  readonly sem: readonly number[];
  readonly semSync: readonly number[];
  readonly pendingJob: readonly boolean[];
  readonly pendingSync: readonly boolean[];
  /** The main thread's loop index in multifd_send_sync_main. */
  readonly index: number;
  /** multifd_send_terminate_threads has run (cleanup). */
  readonly terminated: boolean;
  /** multifd_send's static next_channel: where its round-robin search for a free channel starts. */
  readonly nextChannel: number;
}

/**
 * Events: `sync` and `send` are the calls the migration thread makes (multifd_send_sync_main, multifd_send,
 * once per packet: a RAM round sends as many times as its dirty pages fill packets);
 * `main.step` and `channel-N.step` run one thread's next atomic step; `channel-N.write-error` is a failed
 * write on that channel's socket; `terminate` is multifd_send_terminate_threads at cleanup.
 * @public
 */
export type MultifdSendEvent =
  | { type: 'sync' }
  | { type: 'send' }
  | { type: 'terminate' }
  | { type: 'main.step' }
  | { type: `channel-${number}.step` }
  | { type: `channel-${number}.write-error` };

type Ctx = { context: MultifdSendContext };

/**
 * The channel multifd_send picks: round robin from the static next_channel, the first without a pending
 * job (multifd.c:multifd_send). With one send per checkpoint this only matters from the second
 * checkpoint on, whose job goes to the next channel, as in QEMU.
 */
function freeChannel(context: MultifdSendContext): number {
  const { pendingJob, nextChannel } = context;
  for (let k = 0; k < pendingJob.length; k++) {
    const channel = (nextChannel + k) % pendingJob.length;
    if (!pendingJob[channel]) return channel;
  }
  return -1; // guarded by free-channel: never taken
}

/**
 * multifd.c's send side: the migration thread's multifd_send and multifd_send_sync_main (region `main`)
 * and one region per channel thread (multifd_send_thread), sharing semaphores in context. A region
 * blocks where QEMU waits on a semaphore: its step is not enabled until the count is positive.
 *
 * @example
 * ```ts
 * const hang = createMultifdSendMachine({ channels: 2, kickOnExit: false });
 * ```
 * @public
 */
export function createMultifdSendMachine(options: MultifdSendOptions = {}) {
  const channels = options.channels ?? 2;
  const kickOnExit = options.kickOnExit ?? true;
  checkChannels('multifd-send', channels);
  const last = channels - 1;

  const kick = ({ context }: Ctx, { channel }: ChannelParams) => ({
    semSync: bump(context.semSync, channel),
    channelsReady: context.channelsReady + 1,
  });

  const channelRegion = (channel: number) => {
    const step = `channel-${channel}.step`;
    const writeError = `channel-${channel}.write-error`;
    const ch = { channel };
    const writes = [channelTag(channel, 'writes')];
    return {
      initial: 'init',
      states: {
        // the initial packet, then the loop top: post(channels_ready)
        init: {
          tags: writes,
          on: { [step]: { target: 'wait-sem', actions: 'post-channels-ready' }, [writeError]: 'error-exit' },
        },
        // qemu_sem_wait(&p->sem); if (exiting) break; job or sync
        'wait-sem': {
          on: {
            [step]: [
              {
                target: 'exit',
                guard: and([{ type: 'sem-posted', params: ch }, 'exiting']),
                actions: { type: 'take-sem', params: ch },
              },
              {
                target: 'write-job',
                guard: and([
                  { type: 'sem-posted', params: ch },
                  { type: 'pending-job', params: ch },
                ]),
                actions: { type: 'take-sem', params: ch },
              },
              {
                target: 'write-sync',
                guard: { type: 'sem-posted', params: ch },
                actions: { type: 'take-sem', params: ch },
              },
            ],
          },
        },
        'write-job': {
          tags: writes,
          on: {
            [step]: {
              target: 'wait-sem',
              actions: [
                { type: 'packet-written', params: { channel, packet: 'data' } },
                { type: 'finish-job', params: ch },
                'post-channels-ready',
              ],
            },
            [writeError]: 'error-exit',
          },
        },
        // a SYNC packet, then pending_sync = NONE; post(p->sem_sync)
        'write-sync': {
          tags: writes,
          on: {
            [step]: {
              target: 'wait-sem',
              actions: [
                { type: 'packet-written', params: { channel, packet: 'sync' } },
                { type: 'finish-sync', params: ch },
                'post-channels-ready',
              ],
            },
            [writeError]: 'error-exit',
          },
        },
        // out: multifd_send_set_error (the first error fails the migration), multifd_send_kick_main
        'error-exit': {
          on: {
            [step]: [
              { target: 'exited', guard: 'exiting', actions: { type: 'kick-main', params: ch } },
              {
                target: 'exited',
                actions: ['set-exiting', 'multifd-send-error', { type: 'kick-main', params: ch }],
              },
            ],
          },
        },
        // a silent exit on `exiting`: without the fix nobody posts this channel's sem_sync
        exit: {
          on: {
            [step]: { target: 'exited', actions: kickOnExit ? [{ type: 'kick-main', params: ch }] : [] },
          },
        },
        exited: { type: 'final' as const, tags: [channelTag(channel, 'exited')] },
      },
    };
  };

  const startSync = { target: 'sync-post', actions: 'reset-index' } as const;
  // multifd.c:multifd_send_terminate_threads runs once, from migration_cleanup, after the migration thread
  // is joined: never while it is inside multifd_send or multifd_send_sync_main
  const terminate = { terminate: { guard: 'not-terminated', actions: 'terminate' } } as const;
  const startSend = [{ target: 'failed', guard: 'exiting' }, { target: 'send-wait-ready' }] as const;
  // outside multifd_send and multifd_send_sync_main: the main thread may stay here for good
  const idle = [TAG.multifdMainIdle];

  return setup({
    types: {} as { context: MultifdSendContext; events: MultifdSendEvent },
    guards: {
      exiting: ({ context }) => context.exiting,
      'not-terminated': ({ context }) => !context.terminated,
      'channels-ready': ({ context }) => context.channelsReady > 0,
      'free-channel': ({ context }) => context.pendingJob.includes(false),
      'last-channel': ({ context }) => context.index === last,
      'sem-sync-posted': ({ context }) => (context.semSync[context.index] ?? 0) > 0,
      'pending-sync-set': ({ context }) => context.pendingSync[context.index] === true,
      'sem-posted': ({ context }, { channel }: ChannelParams) => (context.sem[channel] ?? 0) > 0,
      'pending-job': ({ context }, { channel }: ChannelParams) => context.pendingJob[channel] === true,
    },
    actions: {
      'reset-index': assign({ index: 0 }),
      'next-index': assign({ index: ({ context }) => context.index + 1 }),
      'take-channels-ready': assign({ channelsReady: ({ context }) => context.channelsReady - 1 }),
      'post-channels-ready': assign({ channelsReady: ({ context }) => context.channelsReady + 1 }),
      'take-sem-sync': assign({ semSync: ({ context }) => bump(context.semSync, context.index, -1) }),
      // multifd_send: the first channel without a pending job from next_channel gets the batch
      'queue-job': assign(({ context }) => {
        const channel = freeChannel(context);
        return {
          pendingJob: put(context.pendingJob, channel, true),
          sem: bump(context.sem, channel),
          nextChannel: (channel + 1) % context.pendingJob.length,
        };
      }),
      // multifd_send_sync_main, first loop: pending_sync = req; post(p->sem)
      'post-sync': assign(({ context }) => ({
        pendingSync: put(context.pendingSync, context.index, true),
        sem: bump(context.sem, context.index),
      })),
      'take-sem': assign({
        sem: ({ context }, { channel }: ChannelParams) => bump(context.sem, channel, -1),
      }),
      'finish-job': assign({
        pendingJob: ({ context }, { channel }: ChannelParams) => put(context.pendingJob, channel, false),
      }),
      'finish-sync': assign(({ context }, { channel }: ChannelParams) => ({
        pendingSync: put(context.pendingSync, channel, false),
        semSync: bump(context.semSync, channel),
      })),
      'set-exiting': assign({ exiting: true }),
      'kick-main': assign(kick),
      // multifd_send_terminate_threads: exiting = 1, then wake every channel
      terminate: assign(({ context }) => ({
        exiting: true,
        terminated: true,
        sem: context.sem.map((n) => n + 1),
      })),
      // described for the runtime and the checker: the first error fails the migration (multifd_send_set_error)
      'multifd-send-error': () => {},
      // described for the runtime: multifd_send swaps the caller's batch into that channel's p->data
      'job-queued': (_, _params: ChannelParams) => {},
      // described for the runtime: the channel thread's write of a page batch or a SYNC packet went out
      'packet-written': (_, _params: PacketWritten) => {},
    },
  }).createMachine({
    id: 'multifd-send',
    description: `multifd.c send side, ${channels} channel(s), kick on exit ${kickOnExit ? 'on' : 'off'}`,
    type: 'parallel',
    context: {
      exiting: false,
      channelsReady: 0,
      sem: Array(channels).fill(0),
      semSync: Array(channels).fill(0),
      pendingJob: Array(channels).fill(false),
      pendingSync: Array(channels).fill(false),
      index: 0,
      terminated: false,
      nextChannel: 0,
    },
    states: {
      main: {
        initial: 'idle',
        states: {
          idle: { tags: idle, on: { sync: startSync, send: startSend, ...terminate } },
          // multifd_send: wait(channels_ready), then the round-robin pick re-checks exiting
          'send-wait-ready': {
            meta: { blockedIn: 'multifd_send: qemu_sem_wait(&multifd_send_state->channels_ready)' },
            on: {
              'main.step': { target: 'send-pick', guard: 'channels-ready', actions: 'take-channels-ready' },
            },
          },
          'send-pick': {
            on: {
              'main.step': [
                { target: 'failed', guard: 'exiting' },
                {
                  target: 'idle',
                  guard: 'free-channel',
                  // the description first: its channel is the one queue-job is about to take
                  actions: [
                    { type: 'job-queued', params: ({ context }) => ({ channel: freeChannel(context) }) },
                    'queue-job',
                  ],
                },
              ],
            },
          },
          // first loop: if (exiting) return -1; assert(pending_sync == NONE); pending_sync = req; post(p->sem)
          'sync-post': {
            on: {
              'main.step': [
                { target: 'failed', guard: 'exiting' },
                { target: 'assert-failed', guard: 'pending-sync-set' },
                { target: 'sync-check', guard: 'last-channel', actions: ['post-sync', 'reset-index'] },
                { target: 'sync-post', actions: ['post-sync', 'next-index'] },
              ],
            },
          },
          // second loop: if (exiting) return -1 -- checked before waiting, never after waking
          'sync-check': {
            on: { 'main.step': [{ target: 'failed', guard: 'exiting' }, { target: 'sync-wait-ready' }] },
          },
          'sync-wait-ready': {
            meta: {
              blockedIn: 'multifd_send_sync_main: qemu_sem_wait(&multifd_send_state->channels_ready)',
            },
            on: {
              'main.step': {
                target: 'sync-wait-sync',
                guard: 'channels-ready',
                actions: 'take-channels-ready',
              },
            },
          },
          'sync-wait-sync': {
            meta: { blockedIn: 'multifd_send_sync_main: qemu_sem_wait(&p->sem_sync)', perChannel: true },
            on: {
              'main.step': [
                {
                  target: 'synced',
                  guard: and(['sem-sync-posted', 'last-channel']),
                  actions: 'take-sem-sync',
                },
                { target: 'sync-check', guard: 'sem-sync-posted', actions: ['take-sem-sync', 'next-index'] },
              ],
            },
          },
          synced: { tags: idle, on: { sync: startSync, send: startSend, ...terminate } },
          failed: { tags: idle, on: terminate },
          'assert-failed': {},
        },
      },
      ...Object.fromEntries(channelIndexes(channels).map((i) => [`channel-${i}`, channelRegion(i)])),
    },
  });
}

/** The type of a multifd send machine. @public */
export type MultifdSendMachine = ReturnType<typeof createMultifdSendMachine>;
