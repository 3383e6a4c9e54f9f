import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { MACHINES, PROFILES } from '../../machines/index.js';
import type { Pick, Step } from './support/drive.js';
import { picks, run, statusOf } from './support/drive.js';
import { bfs } from './support/explore.js';
import { QAPI_BY_PROFILE } from './support/qapi.js';

const STATUS_MACHINES = ['migration-source', 'migration-incoming'] as const;

/** Statuses a run steers away from (still reachable through `any` and `enabled` picks) so it gets to colo. */
const DETOURS = [
  'completed',
  'failing',
  'failed',
  'cancelling',
  'cancelled',
  'postcopy-active',
  'postcopy-device',
];
const statusDetour = (next: AnyMachineSnapshot) => DETOURS.includes(statusOf(next));
/** The COLO threads' error exit, steered away from so runs go through whole checkpoints. */
const coloDetour = (next: AnyMachineSnapshot) => statusOf(next) === 'out';
const RUNS = { numRuns: 200, endOnFailure: true };
/** The status machines have ~30 events per state, so fewer (and shorter) runs keep the file fast. */
const STATUS_RUNS = { numRuns: 40, endOnFailure: true };

/** True for `migrate-set-capabilities` that switches x-colo on. */
const setsXColo = (event: EventObject) =>
  event.type === 'migrate-set-capabilities' &&
  ((event as { capabilities?: Array<{ capability: string; state: boolean }> }).capabilities ?? []).some(
    (c) => c.capability === 'x-colo' && c.state,
  );

/**
 * A pick sequence that reaches colo and then fails over (a shortest path found by BFS, each event picked
 * from the whole alphabet), given to fast-check as an example so the failover property's vacuity guard
 * never depends on the random runs alone reaching colo (40 runs of 60 picks sometimes did not).
 */
function coloThenFailover(
  name: (typeof STATUS_MACHINES)[number],
  profile: (typeof PROFILES)[keyof typeof PROFILES],
  alphabet: readonly EventObject[],
): Pick[] {
  const { found } = bfs(
    name,
    { profile },
    (snapshot, machine, events) =>
      statusOf(snapshot) === 'colo' &&
      events.some((e) => e.type === 'failover' && machine.getTransitionData(snapshot, e).length > 0),
  );
  const failover = alphabet.find((e) => e.type === 'failover');
  if (found === undefined || failover === undefined) return [];
  const same = (a: EventObject, b: EventObject) => JSON.stringify(a) === JSON.stringify(b);
  return [...found.path, failover].map((event) => ({
    mode: 'any',
    index: alphabet.findIndex((e) => same(e, event)),
  }));
}

describe('status machines: properties over random event sequences', () => {
  for (const name of STATUS_MACHINES) {
    for (const profile of Object.values(PROFILES)) {
      const entry = MACHINES[name];
      const machine = entry.create({ profile });
      const alphabet = entry.alphabet({ profile });
      const qapi = QAPI_BY_PROFILE[profile.name];

      it(`${name} ${profile.name}: every status reached is in the profile's QAPI enum`, () => {
        fc.assert(
          fc.property(picks(50), (sequence) => {
            for (const step of run(machine, alphabet, sequence)) expect(qapi).toContain(statusOf(step.after));
          }),
          STATUS_RUNS,
        );
      });

      // 7.2's destination enters COLO because MIG_CMD_ENABLE_COLO arrives (savevm.c:loadvm_process_enable_colo)
      const withoutXColo = alphabet.filter((e) => !setsXColo(e) && e.type !== 'enable-colo');
      it(`${name} ${profile.name}: colo is unreachable while x-colo is never set${name === 'migration-incoming' && profile.enableColoCommand ? ' (nor enable-colo received)' : ''}`, () => {
        expect(withoutXColo.length).toBeLessThan(alphabet.length);
        fc.assert(
          fc.property(picks(50), (sequence) => {
            for (const step of run(machine, withoutXColo, sequence))
              expect(statusOf(step.after)).not.toBe('colo');
          }),
          STATUS_RUNS,
        );
      });

      if (name === 'migration-incoming' && profile.enableColoCommand) {
        it(`${name} ${profile.name}: without x-colo, colo follows an enable-colo taken in active`, () => {
          const noCapability = alphabet.filter((e) => !setsXColo(e));
          fc.assert(
            fc.property(picks(50), (sequence) => {
              let enabled = false;
              for (const step of run(machine, noCapability, sequence)) {
                if (step.event.type === 'enable-colo' && step.taken) enabled = true;
                if (statusOf(step.after) === 'colo') expect(enabled).toBe(true);
              }
            }),
            STATUS_RUNS,
          );
        });
      }

      it(`${name} ${profile.name}: failover from colo always ends in completed`, () => {
        let seen = 0;
        fc.assert(
          fc.property(picks(60), (sequence) => {
            for (const step of run(machine, alphabet, sequence, statusDetour)) {
              if (statusOf(step.before) === 'colo' && step.event.type === 'failover') {
                seen++;
                expect(statusOf(step.after)).toBe('completed');
              }
            }
          }),
          { ...STATUS_RUNS, examples: [[coloThenFailover(name, profile, alphabet)]] },
        );
        expect(seen, 'some runs must reach colo and fail over').toBeGreaterThan(0);
      });
    }
  }
});

describe('failover: properties', () => {
  const entry = MACHINES.failover;
  const machine = entry.create();
  const alphabet = entry.alphabet();

  it('never reaches active or completed from none without passing require', () => {
    fc.assert(
      fc.property(picks(), (sequence) => {
        let sinceNone: string[] = ['none'];
        for (const step of run(machine, alphabet, sequence)) {
          const status = statusOf(step.after);
          if (status === 'none') sinceNone = ['none'];
          else sinceNone.push(status);
          if (status === 'active' || status === 'completed') {
            expect(sinceNone, `path ${sinceNone.join(' -> ')}`).toContain('require');
          }
        }
      }),
      RUNS,
    );
  });

  it('failover-init always returns to none', () => {
    fc.assert(
      fc.property(picks(), (sequence) => {
        const steps = run(machine, alphabet, sequence);
        for (const step of steps) {
          if (step.event.type === 'failover-init') expect(statusOf(step.after)).toBe('none');
        }
      }),
      RUNS,
    );
  });

  it('x-colo-lost-heartbeat outside COLO mode changes nothing', () => {
    fc.assert(
      fc.property(picks(), (sequence) => {
        for (const step of run(machine, alphabet, sequence)) {
          const event = step.event as EventObject & { coloMode?: string };
          if (event.type === 'x-colo-lost-heartbeat' && event.coloMode === 'none') {
            expect(statusOf(step.after)).toBe(statusOf(step.before));
          }
        }
      }),
      RUNS,
    );
  });
});

const sent = (step: Step) => step.actions.filter((a) => a.startsWith('send:')).map((a) => a.slice(5));
const isMessage = (step: Step, message: string) =>
  step.event.type === 'message' && (step.event as EventObject & { message?: string }).message === message;

describe('colo-primary: properties', () => {
  for (const profile of Object.values(PROFILES)) {
    const entry = MACHINES['colo-primary'];
    const machine = entry.create({ profile });
    const alphabet = entry.alphabet({ profile });

    it(`${profile.name}: messages go out as checkpoint-request, vmstate-send, vmstate-size, per checkpoint`, () => {
      const order = ['checkpoint-request', 'vmstate-send', 'vmstate-size'];
      let complete = 0;
      fc.assert(
        fc.property(picks(150), (sequence) => {
          const messages = run(machine, alphabet, sequence, coloDetour).flatMap(sent);
          messages.forEach((message, i) => {
            expect(message).toBe(order[i % 3]);
          });
          complete += Math.floor(messages.length / 3);
        }),
        RUNS,
      );
      expect(complete, 'some runs must finish a checkpoint').toBeGreaterThan(0);
    });

    it(`${profile.name}: the PVM stops only after CHECKPOINT_REPLY, and VMSTATE_SEND follows the stop`, () => {
      fc.assert(
        fc.property(picks(150), (sequence) => {
          let replied = false;
          let stopped = false;
          for (const step of run(machine, alphabet, sequence, coloDetour)) {
            if (isMessage(step, 'checkpoint-reply') && step.taken && statusOf(step.after) === 'stop-vm')
              replied = true;
            if (step.actions.includes('vm-stop')) {
              expect(replied).toBe(true);
              stopped = true;
            }
            if (sent(step).includes('vmstate-send')) expect(stopped).toBe(true);
            if (sent(step).includes('checkpoint-request')) [replied, stopped] = [false, false];
          }
        }),
        RUNS,
      );
    });
  }
});

describe('colo-secondary: properties', () => {
  for (const profile of Object.values(PROFILES)) {
    const entry = MACHINES['colo-secondary'];
    const machine = entry.create({ profile });
    const alphabet = entry.alphabet({ profile });

    it(`${profile.name}: VMSTATE_LOADED only after VMSTATE_RECEIVED in the same checkpoint, never under relaunch`, () => {
      let loadedSent = 0;
      fc.assert(
        fc.property(picks(150), (sequence) => {
          let received = false;
          for (const step of run(machine, alphabet, sequence, coloDetour)) {
            if (isMessage(step, 'checkpoint-request') && statusOf(step.after) === 'stop-vm') received = false;
            const out = sent(step);
            if (out.includes('vmstate-received')) received = true;
            if (out.includes('vmstate-loaded')) {
              loadedSent++;
              expect(received).toBe(true);
              expect((step.event as EventObject & { failover?: string }).failover).not.toBe('relaunch');
              received = false; // at most one LOADED per checkpoint
            }
          }
        }),
        RUNS,
      );
      expect(loadedSent, 'some runs must send VMSTATE_LOADED').toBeGreaterThan(0);
    });

    it(`${profile.name}: guest RAM changes (flush-ram-cache) only after the device state arrived in the same checkpoint`, () => {
      let flushes = 0;
      fc.assert(
        fc.property(picks(150), (sequence) => {
          let deviceState = false;
          for (const step of run(machine, alphabet, sequence, coloDetour)) {
            if (isMessage(step, 'checkpoint-request') && statusOf(step.after) === 'stop-vm')
              deviceState = false;
            if (step.event.type === 'device-state-received' && step.taken) deviceState = true;
            if (step.actions.includes('flush-ram-cache')) {
              flushes++;
              expect(deviceState).toBe(true);
              deviceState = false;
            }
          }
        }),
        RUNS,
      );
      expect(flushes, 'some runs must load a checkpoint').toBeGreaterThan(0);
    });

    it(`${profile.name}: every message sent is in protocol order (ready, then reply/received/loaded per checkpoint)`, () => {
      fc.assert(
        fc.property(picks(150), (sequence) => {
          const messages = run(machine, alphabet, sequence, coloDetour).flatMap(sent);
          if (messages.length) expect(messages[0]).toBe('checkpoint-ready');
          const rest = messages.slice(1);
          const expectedNext: Record<string, string[]> = {
            start: ['checkpoint-reply'],
            'checkpoint-reply': ['vmstate-received'],
            // LOADED is skipped when `loaded` observes relaunch. QEMU then leaves the loop, but the thread
            // machine re-reads the failover status in `check-failover`, so an observation that went back
            // to none (impossible in QEMU: only this thread clears relaunch) lets the next checkpoint start.
            'vmstate-received': ['vmstate-loaded', 'checkpoint-reply'],
            'vmstate-loaded': ['checkpoint-reply'],
          };
          let previous = 'start';
          for (const message of rest) {
            expect(expectedNext[previous]).toContain(message);
            previous = message;
          }
        }),
        RUNS,
      );
    });
  }
});
