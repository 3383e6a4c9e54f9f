import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { QmpClosedError, QmpError, QmpTimeoutError } from '../qmp/errors.js';
import type { QmpEvent } from '../qmp/wire.js';
import { sleep } from './free-port.js';
import { startLockstepPair } from './lockstep-pair.js';
import { startQemuPair } from './qemu-pair.js';
import type { ImplName, Pair, PairSide, Role } from './types.js';

/** The scenarios' default x-checkpoint-delay, in ms. @public */
export const DEFAULT_CHECKPOINT_DELAY_MS = 10_000;

/** What one step of a scenario did. @public */
export interface StepRecord {
  readonly step: string;
  readonly side: Role;
  /** `ok`/`error`/`timeout`/`closed` for a command; `reached`/`not-reached` for a wait; `done` for a kill. */
  readonly outcome: 'ok' | 'error' | 'timeout' | 'closed' | 'reached' | 'not-reached' | 'done';
  /** The reply, the error (`Class: desc`), or what was awaited. */
  readonly detail: string;
  readonly ms: number;
}

/** The handle a scenario drives: QMP commands, waits on events, kills. None of it throws or hangs. @public */
export class ScenarioContext {
  readonly steps: StepRecord[] = [];

  /**
   * @param pair - the running pair
   * @param stepTimeoutMs - the longest any one step may take
   */
  constructor(
    readonly pair: Pair,
    readonly stepTimeoutMs: number,
    /** The scenario's x-checkpoint-delay, in ms. */
    readonly checkpointDelayMs: number,
  ) {}

  /** Whether the implementation is QEMU. */
  get qemu(): boolean {
    return this.pair.impl === 'qemu';
  }

  side(role: Role): PairSide {
    return this.pair[role];
  }

  /** Runs a command (in band, or `exec-oob` with `oob`) and records the outcome. */
  async exec(
    role: Role,
    command: string,
    args?: Record<string, unknown>,
    options: { readonly oob?: boolean; readonly timeoutMs?: number } = {},
  ): Promise<StepRecord> {
    const started = Date.now();
    const qmp = this.side(role).qmp;
    const timeoutMs = Math.min(options.timeoutMs ?? this.stepTimeoutMs, this.stepTimeoutMs);
    let outcome: StepRecord['outcome'];
    let detail: string;
    try {
      const reply = options.oob
        ? await qmp.executeOob(command, args, { timeoutMs })
        : await qmp.execute(command, args, { timeoutMs });
      outcome = 'ok';
      detail = JSON.stringify(reply);
    } catch (error) {
      if (error instanceof QmpError) {
        outcome = 'error';
        detail = `${error.errorClass}: ${error.desc}`;
      } else if (error instanceof QmpTimeoutError) {
        outcome = 'timeout';
        detail = error.message;
      } else if (error instanceof QmpClosedError) {
        outcome = 'closed';
        detail = error.message;
      } else {
        outcome = 'error';
        detail = error instanceof Error ? error.message : String(error);
      }
    }
    return this.record({
      step: options.oob ? `exec-oob ${command}` : command,
      side: role,
      outcome,
      detail,
      started,
    });
  }

  /** Waits until the side has emitted MIGRATION with one of `statuses` (at or after index `from`). */
  waitStatus(role: Role, statuses: readonly string[], timeoutMs = this.stepTimeoutMs): Promise<boolean> {
    const side = this.side(role);
    return this.waitFor(
      role,
      `status ${statuses.join('|')}`,
      () => side.statuses.some((s) => statuses.includes(s)),
      timeoutMs,
    );
  }

  /** Waits for an event the side emits after `after` events (default: any time). */
  waitEvent(
    role: Role,
    event: string,
    timeoutMs = this.stepTimeoutMs,
    after = 0,
    where: (e: QmpEvent) => boolean = () => true,
  ): Promise<boolean> {
    const side = this.side(role);
    return this.waitFor(
      role,
      `event ${event}`,
      () => side.events.slice(after).some((e) => e.event === event && where(e)),
      timeoutMs,
    );
  }

  /** Kills a side as SIGKILL would. */
  async kill(role: Role): Promise<void> {
    const started = Date.now();
    await this.side(role).kill();
    this.record({ step: 'kill -9', side: role, outcome: 'done', detail: '', started });
  }

  /** Waits; the scenario's clock. */
  sleep(ms: number): Promise<void> {
    return sleep(Math.min(ms, this.stepTimeoutMs));
  }

  private async waitFor(role: Role, what: string, ready: () => boolean, timeoutMs: number): Promise<boolean> {
    const started = Date.now();
    const deadline = started + Math.min(timeoutMs, this.stepTimeoutMs);
    while (!ready() && Date.now() < deadline && !this.side(role).killed) await sleep(20);
    const ok = ready();
    this.record({
      step: `wait ${what}`,
      side: role,
      outcome: ok ? 'reached' : 'not-reached',
      detail: '',
      started,
    });
    return ok;
  }

  private record(step: Omit<StepRecord, 'ms'> & { readonly started: number }): StepRecord {
    const { started, ...rest } = step;
    const record = { ...rest, ms: Date.now() - started };
    this.steps.push(record);
    return record;
  }
}

/** A named scenario, run the same way against every implementation. @public */
export interface Scenario {
  readonly name: string;
  readonly summary: string;
  /** Multifd channels the lockstep nodes open (QEMU takes the capability over QMP). */
  readonly multifd?: number;
  /**
   * x-checkpoint-delay in ms (default 10 000: no periodic checkpoint during the scenario, so QEMU 7.2's
   * TCG wedge after a checkpoint does not decide the outcome; see docs/conformance.md).
   */
  readonly checkpointDelayMs?: number;
  run(ctx: ScenarioContext): Promise<void>;
}

/** What a run left behind. @public */
export interface ScenarioResult {
  readonly scenario: string;
  readonly impl: ImplName;
  readonly profile: string;
  readonly steps: readonly StepRecord[];
  /** MIGRATION statuses per side, in order. */
  readonly statuses: Readonly<Record<Role, readonly string[]>>;
  /** Every event name per side, in order. */
  readonly events: Readonly<Record<Role, readonly string[]>>;
  /** Set when the scenario itself failed (a thrown error, or the whole-run timeout). */
  readonly error: string | null;
  /** The recorded QMP traffic. */
  readonly logs: Readonly<Record<Role, string>>;
  readonly ms: number;
}

/** Options of {@link runScenario}. @public */
export interface RunOptions {
  /** Logs go to `<artifactsRoot>/<scenario>/<impl>/` (default test-artifacts/scenarios). */
  readonly artifactsRoot?: string;
  /** Guest RAM (default 32M). */
  readonly ram?: string;
  /** The longest one step may take (default 8 000 ms). */
  readonly stepTimeoutMs?: number;
  /** The longest the whole run may take; then everything is killed (default 45 000 ms). */
  readonly runTimeoutMs?: number;
}

/**
 * Runs one scenario against one implementation: starts the pair, drives it through QMP, records both
 * sides' traffic, and kills everything at the end (SIGKILL), also on error or after the run timeout.
 * @public
 */
export async function runScenario(
  scenario: Scenario,
  impl: ImplName,
  options: RunOptions = {},
): Promise<ScenarioResult> {
  const started = Date.now();
  const dir = join(options.artifactsRoot ?? 'test-artifacts/scenarios', scenario.name, impl);
  await mkdir(dir, { recursive: true });
  const pairOptions = {
    artifactsDir: dir,
    ram: options.ram ?? '32M',
    multifd: scenario.multifd ?? 0,
    checkpointDelayMs: scenario.checkpointDelayMs ?? DEFAULT_CHECKPOINT_DELAY_MS,
    commandTimeoutMs: options.stepTimeoutMs ?? 8000,
  };
  const pair =
    impl === 'qemu' ? await startQemuPair(pairOptions) : await startLockstepPair(impl, pairOptions);
  const ctx = new ScenarioContext(pair, options.stepTimeoutMs ?? 8000, pairOptions.checkpointDelayMs);
  let error: string | null = null;
  let timer: NodeJS.Timeout | undefined;
  try {
    const runTimeoutMs = options.runTimeoutMs ?? 45_000;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the run took longer than ${runTimeoutMs} ms`)),
        runTimeoutMs,
      );
    });
    await Promise.race([scenario.run(ctx), timeout]);
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
  } finally {
    clearTimeout(timer);
    await pair.close();
  }
  return {
    scenario: scenario.name,
    impl,
    profile: pair.profile.name,
    steps: ctx.steps,
    statuses: { primary: [...pair.primary.statuses], secondary: [...pair.secondary.statuses] },
    events: {
      primary: pair.primary.events.map((e) => e.event),
      secondary: pair.secondary.events.map((e) => e.event),
    },
    error,
    logs: { primary: join(dir, 'primary.qmp.jsonl'), secondary: join(dir, 'secondary.qmp.jsonl') },
    ms: Date.now() - started,
  };
}
