import { and, assign, not, setup } from 'xstate';
import type { ChannelParams } from './counters.js';
import { bump, channelIndexes, checkChannels } from './counters.js';
import { channelTag, TAG } from './tags.js';

/** Options of the multifd receive machine. @public */
export interface MultifdRecvOptions {
  /** Number of multifd channels, 1 to 16; default 2. */
  readonly channels?: number;
  /**
   * A fix lockstep proposes, not in QEMU (default off): every receive thread that leaves (EOF, error,
   * `exiting`) posts `recv_state->sem_sync` once, so a multifd_recv_sync_main waiting for a SYNC that
   * will never come wakes up, as the send side's v11 18/21 does for multifd_send_sync_main.
   */
  readonly kickOnExit?: boolean;
}

/**
 * The shared state of multifd.c's receive side: `exiting`, the main `recv_state.sem_sync` and each
 * channel's `p.sem_sync`.
 * @public
 */
export interface MultifdRecvContext {
  readonly exiting: boolean;
  readonly semSyncMain: number;
  readonly semSync: readonly number[];
  /** SYNC packets the main thread has consumed in the current multifd_recv_sync_main. */
  readonly index: number;
}

/**
 * Events: `sync` is MULTIFD_FLUSH (or EOS) read on the main channel, which calls multifd_recv_sync_main;
 * `main.step` and `channel-N.step` run one thread's next atomic step; `channel-N.packet`,
 * `channel-N.sync-packet`, `channel-N.eof` and `channel-N.read-error` are what the channel's socket gave;
 * `terminate` is multifd_recv_terminate_threads(NULL) called from the main loop (multifd_recv_shutdown in
 * process_incoming_migration_bh, multifd_recv_cleanup in migration_incoming_state_destroy).
 * @public
 */
export type MultifdRecvEvent =
  | { type: 'sync' }
  | { type: 'terminate' }
  | { type: 'main.step' }
  | { type: `channel-${number}.step` }
  | { type: `channel-${number}.packet` }
  | { type: `channel-${number}.sync-packet` }
  | { type: `channel-${number}.eof` }
  | { type: `channel-${number}.read-error` };

/**
 * multifd.c's receive side: the incoming thread's multifd_recv_sync_main (region `main`) and one region
 * per multifd_recv_thread. In COLO a data packet lands in the colo cache and sets bitmap bits
 * (multifd-colo.c), described by the action `store-pages` so the checker can see who touches the cache.
 *
 * @example
 * ```ts
 * const recv = createMultifdRecvMachine({ channels: 4 });
 * ```
 * @public
 */
export function createMultifdRecvMachine(options: MultifdRecvOptions = {}) {
  const channels = options.channels ?? 2;
  const kickOnExit = options.kickOnExit ?? false;
  checkChannels('multifd-recv', channels);
  // with the proposed fix, the thread's last step posts recv_state->sem_sync
  const leave = kickOnExit ? ['post-sem-sync-main'] : [];
  const last = channels - 1;

  const channelRegion = (channel: number) => {
    const on = (event: string) => `channel-${channel}.${event}`;
    const ch = { channel };
    return {
      initial: 'loop',
      states: {
        // loop top: if (exiting) break;
        loop: { on: { [on('step')]: [{ target: 'exit', guard: 'exiting' }, { target: 'read' }] } },
        // blocked reading the next packet header and body
        read: {
          tags: [channelTag(channel, 'reads')],
          on: {
            [on('packet')]: { target: 'loop', actions: { type: 'store-pages', params: ch } },
            // a SYNC packet: post(recv_state.sem_sync); wait(p->sem_sync)
            [on('sync-packet')]: { target: 'wait-sync', actions: 'post-sem-sync-main' },
            [on('eof')]: 'exit', // EOF breaks the loop without an error (and without terminate)
            [on('read-error')]: 'error-exit',
          },
        },
        'wait-sync': {
          on: {
            [on('step')]: {
              target: 'loop',
              guard: { type: 'sem-sync-posted', params: ch },
              actions: { type: 'take-sem-sync', params: ch },
            },
          },
        },
        // out: multifd_recv_terminate_threads: xchg(exiting); post every p->sem_sync; shut every channel
        'error-exit': {
          on: {
            [on('step')]: [
              { target: 'exited', guard: 'exiting', actions: leave },
              {
                target: 'exited',
                actions: ['terminate', 'multifd-recv-terminate', 'shutdown-channels', ...leave],
              },
            ],
          },
        },
        exit: { on: { [on('step')]: { target: 'exited', actions: leave } } },
        exited: { type: 'final' as const, tags: [channelTag(channel, 'exited')] },
      },
    };
  };

  return setup({
    types: {} as { context: MultifdRecvContext; events: MultifdRecvEvent },
    guards: {
      exiting: ({ context }) => context.exiting,
      'not-exiting': not('exiting'),
      'sem-sync-main-posted': ({ context }) => context.semSyncMain > 0,
      'last-channel': ({ context }) => context.index === last,
      'sem-sync-posted': ({ context }, { channel }: ChannelParams) => (context.semSync[channel] ?? 0) > 0,
    },
    actions: {
      'reset-index': assign({ index: 0 }),
      'take-sem-sync-main': assign(({ context }) => ({
        semSyncMain: context.semSyncMain - 1,
        index: context.index + 1,
      })),
      'post-sem-sync-main': assign({ semSyncMain: ({ context }) => context.semSyncMain + 1 }),
      'release-channels': assign({ semSync: ({ context }) => context.semSync.map((n) => n + 1) }),
      'take-sem-sync': assign({
        semSync: ({ context }, { channel }: ChannelParams) => bump(context.semSync, channel, -1),
      }),
      terminate: assign(({ context }) => ({ exiting: true, semSync: context.semSync.map((n) => n + 1) })),
      // described for the runtime and the checker
      'store-pages': (_, _params: ChannelParams) => {},
      'multifd-recv-terminate': () => {},
      'shutdown-channels': () => {},
    },
  }).createMachine({
    id: 'multifd-recv',
    description: `multifd.c receive side, ${channels} channel(s)${kickOnExit ? ', kick on exit (proposed)' : ''}`,
    type: 'parallel',
    context: { exiting: false, semSyncMain: 0, semSync: Array(channels).fill(0), index: 0 },
    // multifd.c:multifd_recv_terminate_threads(NULL), from multifd_recv_shutdown or multifd_recv_cleanup:
    // if (qatomic_xchg(&exiting, 1)) return; then post every p->sem_sync and shut every channel. It never
    // posts recv_state->sem_sync, so a multifd_recv_sync_main already waiting stays blocked (reference §7).
    on: {
      terminate: {
        guard: 'not-exiting',
        actions: ['terminate', 'multifd-recv-terminate', 'shutdown-channels'],
      },
    },
    states: {
      main: {
        initial: 'idle',
        states: {
          idle: {
            tags: [TAG.multifdMainIdle],
            on: { sync: { target: 'sync-wait', actions: 'reset-index' } },
          },
          // for each channel: qemu_sem_wait(&multifd_recv_state->sem_sync)
          'sync-wait': {
            meta: { blockedIn: 'multifd_recv_sync_main: qemu_sem_wait(&multifd_recv_state->sem_sync)' },
            on: {
              'main.step': [
                {
                  target: 'sync-release',
                  guard: and(['sem-sync-main-posted', 'last-channel']),
                  actions: 'take-sem-sync-main',
                },
                { target: 'sync-wait', guard: 'sem-sync-main-posted', actions: 'take-sem-sync-main' },
              ],
            },
          },
          // for each channel: post(p->sem_sync)
          'sync-release': { on: { 'main.step': { target: 'synced', actions: 'release-channels' } } },
          synced: {
            tags: [TAG.multifdMainIdle],
            on: { sync: { target: 'sync-wait', actions: 'reset-index' } },
          },
        },
      },
      ...Object.fromEntries(channelIndexes(channels).map((i) => [`channel-${i}`, channelRegion(i)])),
    },
  });
}

/** The type of a multifd receive machine. @public */
export type MultifdRecvMachine = ReturnType<typeof createMultifdRecvMachine>;
