import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { initialTransition, transition } from 'xstate';
import type {
  ColoMessage,
  ColoPrimaryEvent,
  ColoSecondaryEvent,
  ColoThreadEvent,
  FailoverStatus,
  MigrationStatus,
} from '../../machines/index.js';
import { createColoPrimaryMachine, createColoSecondaryMachine, PROFILES } from '../../machines/index.js';
import { describeAction } from './support/drive.js';

const msg = (message: ColoMessage): ColoThreadEvent => ({ type: 'message', message });
const step = (failover: FailoverStatus = 'none', migration: MigrationStatus = 'colo'): ColoThreadEvent => ({
  type: 'step',
  failover,
  migration,
});
const checkpointEvent: ColoPrimaryEvent = { type: 'checkpoint-event', migration: 'colo' };

/** A stepper over the pure transition(): sends one event, returns the new state, actions and tags. */
function stepper(machine: AnyStateMachine) {
  const [initial, initialActions] = initialTransition(machine);
  let snapshot: AnyMachineSnapshot = initial;
  return {
    initial: { value: String(initial.value), actions: initialActions.map(describeAction) },
    send(event: EventObject) {
      const [next, actions] = transition(machine, snapshot, event);
      snapshot = next;
      return {
        value: String(next.value),
        actions: actions.map(describeAction),
        tags: [...next.tags].sort(),
        status: next.status,
      };
    },
    get snapshot() {
      return snapshot;
    },
  };
}

describe('one checkpoint, message by message (reference §4)', () => {
  for (const profile of Object.values(PROFILES)) {
    const v11 = profile.name === 'qemu-11.0';

    it(`${profile.name}: colo-primary, steps 1, 3, 5, 7, 9`, () => {
      const p = stepper(createColoPrimaryMachine(profile));
      expect(p.initial).toEqual({ value: 'wait-checkpoint-ready', actions: ['failover-init'] });
      // §3: CHECKPOINT_READY; replication_start_all(PRIMARY); vm_start; arm the timer
      expect(p.send(msg('checkpoint-ready'))).toMatchObject({
        value: 'loop',
        actions: ['replication-start', 'vm-start', 'arm-timer'],
        tags: [],
      });
      expect(p.send(step())).toMatchObject({ value: 'wait-checkpoint-event', actions: [] });
      // 1: CHECKPOINT_REQUEST
      expect(p.send(checkpointEvent)).toMatchObject({
        value: 'wait-checkpoint-reply',
        actions: ['send:checkpoint-request'],
        tags: [],
      });
      expect(p.send(msg('checkpoint-reply'))).toMatchObject({ value: 'stop-vm', actions: [], tags: [] });
      // 3: vm_stop_force_state(COLO): the PVM stops
      expect(p.send(step())).toMatchObject({
        value: 'save-vmstate',
        actions: ['vm-stop'],
        tags: ['vm-stopped'],
      });
      // replication checkpoint, VMSTATE_SEND, device state to the buffer, then the live RAM
      expect(p.send(step())).toMatchObject({
        value: 'send-ram',
        actions: ['replication-checkpoint', 'send:vmstate-send', 'save-device-state', 'send-ram'],
        // "colo: Hold the BQL while sending ram state" is in 11.0, not 7.2
        tags: v11 ? ['bql', 'vm-stopped'] : ['vm-stopped'],
      });
      // 5: VMSTATE_SIZE and the device blob
      expect(p.send({ type: 'ram-sent' })).toMatchObject({
        value: 'wait-vmstate-received',
        actions: ['send:vmstate-size', 'send-device-state'],
        tags: ['vm-stopped'],
      });
      // 7: reset the checkpoint event, colo-compare checkpoint
      expect(p.send(msg('vmstate-received'))).toMatchObject({
        value: 'wait-vmstate-loaded',
        actions: ['reset-checkpoint-event', 'compare-checkpoint'],
        tags: ['vm-stopped'],
      });
      // 9: the PVM runs again only after VMSTATE_LOADED
      // step 9, and the checkpoint is complete on the primary
      expect(p.send(msg('vmstate-loaded'))).toMatchObject({
        value: 'loop',
        actions: ['vm-start', 'checkpoint-completed'],
        tags: [],
      });
    });

    it(`${profile.name}: colo-secondary, steps 2, 4, 6, 8`, () => {
      const s = stepper(createColoSecondaryMachine(profile));
      expect(s.initial).toEqual({ value: 'start', actions: [] });
      // §3: active -> colo, failover_init_state, dirty log, replication, vm_start(SVM), CHECKPOINT_READY
      expect(s.send(step('none', 'active'))).toMatchObject({
        value: 'loop',
        actions: [
          'enter-colo',
          'failover-init',
          'start-dirty-log',
          'replication-start',
          'vm-start',
          'send:checkpoint-ready',
        ],
      });
      expect(s.send(step())).toMatchObject({ value: 'wait-checkpoint-request', actions: [] });
      expect(s.send(msg('checkpoint-request'))).toMatchObject({ value: 'stop-vm', actions: [], tags: [] });
      // 2: the SVM stops, CHECKPOINT_REPLY
      expect(s.send(step())).toMatchObject({
        value: 'wait-vmstate-send',
        actions: ['vm-stop', 'send:checkpoint-reply'],
        tags: ['vm-stopped'],
      });
      // 4: VMSTATE_SEND; RAM into the colo cache (7.2 under the BQL, 11.0 without)
      expect(s.send(msg('vmstate-send'))).toMatchObject({
        value: 'receive-ram',
        actions: ['load-ram'],
        tags: v11 ? ['vm-stopped'] : ['bql', 'vm-stopped'],
      });
      expect(s.send({ type: 'ram-loaded' })).toMatchObject({ value: 'wait-vmstate-size', actions: [] });
      // 6: VMSTATE_SIZE, the blob into the buffer, VMSTATE_RECEIVED
      expect(s.send(msg('vmstate-size'))).toMatchObject({
        value: 'receive-device-state',
        actions: ['receive-device-state'],
        tags: ['vm-stopped'],
      });
      expect(s.send({ type: 'device-state-received' })).toMatchObject({
        value: 'load',
        actions: ['send:vmstate-received'],
        tags: ['bql', 'vm-stopped', 'vmstate-loading'],
      });
      // 8: BQL { vmstate_loading; [reset]; flush the cache; load devices; checkpoint; vm_start }
      expect(s.send(step())).toMatchObject({
        value: 'loaded',
        actions: [
          'vmstate-loading-start',
          ...(v11 ? ['system-reset'] : []),
          'flush-ram-cache',
          'load-device-state',
          'replication-checkpoint',
          'vmstate-loading-end',
          'vm-start',
          'checkpoint-completed',
        ],
        tags: [],
      });
      expect(s.send(step())).toMatchObject({ value: 'check-failover', actions: ['send:vmstate-loaded'] });
      expect(s.send(step())).toMatchObject({ value: 'loop', actions: [] });
    });

    it(`${profile.name}: both threads in lockstep: each message sent is the one the peer waits for`, () => {
      const primary = createColoPrimaryMachine(profile);
      const secondary = createColoSecondaryMachine(profile);
      let [p] = initialTransition(primary);
      let [s] = initialTransition(secondary);
      const wire: string[] = [];
      const toPrimary: ColoMessage[] = [];
      const toSecondary: ColoMessage[] = [];
      const deliver = (actions: Array<{ type: string; params?: unknown }>, queue: ColoMessage[]) => {
        for (const a of actions) {
          if (a.type === 'send') queue.push((a.params as { message: ColoMessage }).message);
        }
      };
      const sendP = (event: ColoPrimaryEvent) => {
        const [next, actions] = transition(primary, p, event);
        p = next;
        deliver(actions, toSecondary);
      };
      const sendS = (event: ColoSecondaryEvent) => {
        const [next, actions] = transition(secondary, s, event);
        s = next;
        deliver(actions, toPrimary);
      };
      // drive both until two checkpoints are done; threads step when they can, messages are delivered in order
      let checkpoints = 0;
      for (let i = 0; i < 200 && checkpoints < 2; i++) {
        const m1 = toPrimary.shift();
        if (m1) {
          wire.push(`S->P ${m1}`);
          sendP(msg(m1));
          if (m1 === 'vmstate-loaded') checkpoints++;
          continue;
        }
        const m2 = toSecondary.shift();
        if (m2) {
          wire.push(`P->S ${m2}`);
          sendS(msg(m2));
          continue;
        }
        const before = `${String(p.value)}/${String(s.value)}`;
        if (p.value === 'wait-checkpoint-event') sendP(checkpointEvent);
        else if (p.value === 'send-ram') sendP({ type: 'ram-sent' });
        else sendP(step());
        if (s.value === 'receive-ram') sendS({ type: 'ram-loaded' });
        else if (s.value === 'receive-device-state') sendS({ type: 'device-state-received' });
        else sendS(step('none', s.value === 'start' ? 'active' : 'colo'));
        const after = `${String(p.value)}/${String(s.value)}`;
        const stuck = after === before && toPrimary.length === 0 && toSecondary.length === 0;
        expect(stuck, `neither thread can move at ${before}`).toBe(false);
      }
      expect(checkpoints).toBe(2);
      expect(p.value).not.toBe('out');
      expect(s.value).not.toBe('out');
      const oneCheckpoint = [
        'P->S checkpoint-request',
        'S->P checkpoint-reply',
        'P->S vmstate-send',
        'P->S vmstate-size',
        'S->P vmstate-received',
        'S->P vmstate-loaded',
      ];
      expect(wire).toEqual(['S->P checkpoint-ready', ...oneCheckpoint, ...oneCheckpoint]);
    });
  }
});

describe('error exits (reference §5: COLO error without failover)', () => {
  for (const profile of Object.values(PROFILES)) {
    it(`${profile.name}: primary: an unexpected message goes to out, COLO_EXIT(primary, error), then waits for the exit event`, () => {
      const p = stepper(createColoPrimaryMachine(profile));
      p.send(msg('checkpoint-ready'));
      p.send(step());
      p.send(checkpointEvent);
      const [, errorActions] = transition(
        createColoPrimaryMachine(profile),
        p.snapshot,
        msg('vmstate-loaded'),
      );
      expect(errorActions.map((a) => [a.type, a.params])).toEqual([
        ['protocol-error', { expected: 'checkpoint-reply' }],
      ]);
      expect(p.send(msg('vmstate-loaded'))).toMatchObject({ value: 'out' });
      const exit = p.send(step('none', 'colo'));
      expect(exit).toMatchObject({ value: 'wait-exit-event', actions: ['colo-exit:error'] });
      const [, [coloExit]] = transition(createColoPrimaryMachine(profile), p.snapshot, step());
      expect(coloExit).toBeUndefined(); // waiting: a step does nothing
      // nothing but the exit event moves it
      for (const event of [
        msg('checkpoint-request'),
        step('completed'),
        { type: 'ram-sent' },
        { type: 'channel-error' },
      ]) {
        expect(p.send(event)).toMatchObject({ value: 'wait-exit-event', actions: [] });
      }
      expect(p.send({ type: 'exit-event' })).toMatchObject({
        value: 'exited',
        actions: ['close-return-path', 'vm-start'],
        status: 'done',
      });
    });

    it(`${profile.name}: primary: a channel error mid-checkpoint leaves the PVM stopped until the exit event`, () => {
      const p = stepper(createColoPrimaryMachine(profile));
      p.send(msg('checkpoint-ready'));
      p.send(step());
      p.send(checkpointEvent);
      p.send(msg('checkpoint-reply'));
      p.send(step());
      p.send(step());
      expect(p.send({ type: 'channel-error' })).toMatchObject({ value: 'out', actions: ['channel-error'] });
      // failover completed when the thread samples it: reason request
      expect(p.send(step('completed', 'completed'))).toMatchObject({ actions: ['colo-exit:request'] });
      expect(p.send({ type: 'exit-event' }).actions).toContain('vm-start');
    });

    it(`${profile.name}: primary: the full colo-exit params carry mode and reason`, () => {
      const machine = createColoPrimaryMachine(profile);
      let [snap] = initialTransition(machine);
      [snap] = transition(machine, snap, { type: 'channel-error' });
      const [, actions] = transition(machine, snap, step('active'));
      expect(actions.map((a) => [a.type, a.params])).toEqual([
        ['colo-exit', { mode: 'primary', reason: 'error' }],
      ]);
    });

    it(`${profile.name}: secondary: anything but CHECKPOINT_REQUEST is an error; COLO_EXIT(secondary, error); waits for the incoming event`, () => {
      const machine = createColoSecondaryMachine(profile);
      const s = stepper(machine);
      s.send(step('none', 'active'));
      s.send(step());
      const [, errorActions] = transition(machine, s.snapshot, msg('vmstate-send'));
      expect(errorActions.map((a) => [a.type, a.params])).toEqual([
        ['protocol-error', { expected: 'checkpoint-request' }],
      ]);
      expect(s.send(msg('vmstate-send'))).toMatchObject({ value: 'out' });
      const [, exitActions] = transition(machine, s.snapshot, step());
      expect(exitActions.map((a) => [a.type, a.params])).toEqual([
        ['colo-exit', { mode: 'secondary', reason: 'error' }],
      ]);
      expect(s.send(step())).toMatchObject({ value: 'wait-incoming-event', actions: ['colo-exit:error'] });
      for (const event of [msg('checkpoint-request'), step('completed'), { type: 'ram-loaded' }] as const) {
        expect(s.send(event)).toMatchObject({ value: 'wait-incoming-event', actions: [] });
      }
      expect(s.send({ type: 'incoming-event' })).toMatchObject({ value: 'exited', status: 'done' });
    });

    it(`${profile.name}: secondary: a failed device load goes out without VMSTATE_LOADED`, () => {
      const s = stepper(createColoSecondaryMachine(profile));
      const toLoad: ColoSecondaryEvent[] = [
        step('none', 'active'),
        step(),
        msg('checkpoint-request'),
        step(),
        msg('vmstate-send'),
        { type: 'ram-loaded' },
        msg('vmstate-size'),
        { type: 'device-state-received' },
      ];
      for (const e of toLoad) s.send(e);
      expect(s.send({ type: 'load-error' })).toMatchObject({ value: 'out', actions: [] });
      expect(s.send(step()).actions).toEqual(['colo-exit:error']);
    });
  }
});

describe('RELAUNCH: a failover during the secondary load is deferred (reference §5, Secondary)', () => {
  for (const profile of Object.values(PROFILES)) {
    it(`${profile.name}: the load finishes, VMSTATE_LOADED is skipped, the thread requests failover again and exits with error`, () => {
      const s = stepper(createColoSecondaryMachine(profile));
      const toLoad: ColoSecondaryEvent[] = [
        step('none', 'active'),
        step(),
        msg('checkpoint-request'),
        step(),
        msg('vmstate-send'),
        { type: 'ram-loaded' },
        msg('vmstate-size'),
        { type: 'device-state-received' },
      ];
      for (const e of toLoad) s.send(e);
      expect(s.snapshot.hasTag('vmstate-loading')).toBe(true);
      // secondary_vm_do_failover saw vmstate_loading: failover is relaunch; the load still completes
      const load = s.send(step('relaunch'));
      expect(load.value).toBe('loaded');
      expect(load.actions).toContain('flush-ram-cache');
      expect(load.actions).toContain('vm-start');
      // if (failover_get_state() == RELAUNCH) return: no VMSTATE_LOADED; in the loop, relaunch -> none,
      // failover_request_active, break -- one stretch of code, since only this thread clears RELAUNCH
      expect(s.send(step('relaunch'))).toMatchObject({
        value: 'out',
        actions: ['relaunch-handled', 'request-failover'],
      });
      // quirk 1: the failover is require/active when COLO_EXIT is emitted: reason error
      expect(s.send(step('require'))).toMatchObject({
        value: 'wait-incoming-event',
        actions: ['colo-exit:error'],
      });
    });
  }
});
