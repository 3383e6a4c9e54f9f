import type { SetCapabilitiesEvent } from '../../machines/capabilities-guards.js';
import { getColoMode } from '../../machines/colo-mode.js';
import { announcesSetupInPlace } from '../../machines/migration-incoming.js';
import { servesVm } from '../../machines/node/queries.js';
import type { MigrationStatus } from '../../machines/vocabulary.js';
import { timestampMicros } from '../qmp/wire.js';
import { type ColoEpisode, checkColoExit } from './colo-exit.js';
import { PendingCommands, type SentCommand } from './commands.js';
import { FailoverReplay } from './failover-replay.js';
import { isKnownCommand, KNOWN_EVENTS } from './known.js';
import { type TraceEntry, TraceReader } from './read.js';
import type {
  Finding,
  StatusStep,
  TraceOptions,
  TraceReport,
  TraceStart,
  TraceWarning,
  Violation,
} from './report.js';
import { ServingTracker } from './serving.js';
import { StatusReplay } from './status-replay.js';

/** One thing the checker reports, as it happens. @public */
export type TraceItem =
  | { readonly type: 'status'; readonly status: StatusStep }
  | { readonly type: 'violation'; readonly violation: Violation }
  | { readonly type: 'finding'; readonly finding: Finding }
  | { readonly type: 'warning'; readonly warning: TraceWarning };

/**
 * The incremental trace checker: feed it the lines of one QEMU's QMP log in order (`push`), then
 * `finish()` for the report. `checkTrace` and `attachTrace` are thin loops around it.
 * @public
 */
export class TraceChecker {
  private readonly reader = new TraceReader();
  private readonly replay: StatusReplay;
  private readonly failover = new FailoverReplay();
  private readonly commands = new PendingCommands();
  /** The serving intervals of this node, for split-brain detection against a peer. */
  readonly serving = new ServingTracker();
  private readonly out: TraceItem[] = [];
  private readonly reported = new Set<string>();
  private status = 'none';
  private episode: ColoEpisode | null = null;
  private exitError: number | null = null;
  private running = false;
  private stopLine: number | null = null;
  private oobAfterStop = 0;
  /** Heartbeats whose failover showed in events before their reply (see `heartbeatInFlight`). */
  private readonly earlyHeartbeats = new WeakSet<SentCommand>();
  /** Exit reasons of the failover status just before colo -> completed (the COLO thread may race it). */
  private racingReasons: ReadonlySet<string> = new Set();

  /** @param options - the side the log comes from and the profile to hold it against */
  constructor(readonly options: TraceOptions) {
    this.replay = new StatusReplay(options.side, options.profile);
  }

  /**
   * Starts from what a running QEMU reported (its status, run state and capabilities) instead of a fresh
   * process, so a live attach judges what happens next against the truth, not against `none`.
   */
  startFrom(start: TraceStart): void {
    this.status = start.status;
    this.running = start.running;
    const capabilities = start.capabilities.filter(isCapabilityState);
    this.replay.forceCapabilities({ type: 'migrate-set-capabilities', capabilities });
    if (start.status === 'colo') {
      this.episode = { line: 0, exitLine: null };
      this.failover.init(); // colo.c: the COLO thread that is running began with failover_init_state
    }
  }

  /**
   * Reads one line and returns what it revealed.
   * @throws TraceReadError when the first non-empty line is not a QMP message
   */
  push(raw: string, isLast = false): TraceItem[] {
    const start = this.out.length;
    const { entry, warnings } = this.reader.read(raw, isLast);
    for (const warning of warnings) this.out.push({ type: 'warning', warning });
    if (entry) this.handle(entry);
    return this.out.slice(start);
  }

  /** True once a QMP message was read. */
  get readable(): boolean {
    return this.reader.readable;
  }

  /**
   * Findings that hold now and were not reported yet: a wedged primary (a STOP with no RESUME while an
   * in-band command waits, live: for longer than `pendingMs`) and a COLO_EXIT(error) with no failover.
   */
  openFindings(pendingMs = 0): Finding[] {
    const found: Finding[] = [];
    const waiting = this.commands.inBand().filter((c) => Date.now() - c.readAt >= pendingMs);
    if (!this.running && this.stopLine !== null && waiting.length > 0) {
      const names = waiting.map((c) => `${c.name} (line ${c.line})`).join(', ');
      const oob = this.oobAfterStop > 0 ? `; out-of-band commands still answered (${this.oobAfterStop})` : '';
      const detail = `STOP on line ${this.stopLine} with no RESUME, and in-band commands get no reply: ${names}${oob}. The main loop is wedged (the QEMU TCG bug before 11.0)`;
      found.push({ kind: 'wedged', line: this.stopLine, detail });
    }
    if (this.exitError !== null) {
      const detail = `COLO_EXIT(error) with no failover yet: both sides stay in colo until the operator sends x-colo-lost-heartbeat (reference §5)`;
      found.push({ kind: 'waiting-for-operator', line: this.exitError, detail });
    }
    return found.filter((f) => this.firstReport(`${f.kind}:${f.line}`));
  }

  /** Ends the log: adds the findings that still hold and returns the report. */
  finish(): TraceReport {
    for (const finding of this.openFindings()) this.out.push({ type: 'finding', finding });
    this.serving.finish();
    const pick = <K extends TraceItem['type']>(type: K) =>
      this.out.filter((item): item is Extract<TraceItem, { type: K }> => item.type === type);
    const violations = pick('violation').map((item) => item.violation);
    return {
      verdict: violations.length === 0 ? 'conforms' : 'violates',
      side: this.options.side,
      profile: this.options.profile.name,
      violations,
      findings: pick('finding').map((item) => item.finding),
      statuses: pick('status').map((item) => item.status),
      warnings: pick('warning').map((item) => item.warning),
    };
  }

  private handle({ line, message }: TraceEntry): void {
    if (message.kind === 'command') {
      this.commands.sent(line, message.name, message.oob, message.value);
      if (!isKnownCommand(message.name))
        this.warn(line, 'unknown-command', `unknown command ${message.name}; ignored`);
    } else if (message.kind === 'reply' || message.kind === 'error') {
      const command = this.commands.answered(message.value.id);
      if (!command)
        this.warn(
          line,
          'unmatched-reply',
          `a reply to no command in the log (id ${JSON.stringify(message.value.id)})`,
        );
      else if (command.oob && !this.running && this.stopLine !== null) this.oobAfterStop++;
      else if (message.kind === 'reply' && !this.earlyHeartbeats.has(command))
        this.commandSucceeded(line, command.name, command.args);
    } else if (message.kind === 'event') {
      const { event, data } = message.value;
      if (event === 'MIGRATION') this.migration(line, data?.status);
      else if (event === 'COLO_EXIT') this.coloExit(line, data);
      else if (event === 'STOP' || event === 'RESUME') this.runState(line, event === 'RESUME');
      else if (event === 'SHUTDOWN') this.running = false;
      else if (!KNOWN_EVENTS.has(event)) this.warn(line, 'unknown-event', `unknown event ${event}; ignored`);
      const serving = servesVm({
        role: this.options.side === 'source' ? 'primary' : 'secondary',
        profile: this.options.profile,
        vmRunning: this.running,
        status: this.status,
      });
      this.serving.update(serving, timestampMicros(message.value), line);
    }
  }

  private commandSucceeded(
    line: number,
    name: string,
    args: Readonly<Record<string, unknown>> | undefined,
  ): void {
    if (name === 'migrate-set-capabilities' && Array.isArray(args?.capabilities)) {
      // QEMU validated the arguments before replying; a hand-edited log may not have, so keep only sane items.
      const capabilities = (args.capabilities as unknown[]).filter(isCapabilityState);
      this.replay.setCapabilities(this.status, { type: 'migrate-set-capabilities', capabilities });
    } else if (name === 'x-colo-lost-heartbeat') {
      const own = this.status as MigrationStatus;
      const mode = this.options.side === 'source' ? getColoMode(own, 'none') : getColoMode('none', own);
      this.exitError = null;
      if (!this.failover.heartbeat(mode)) {
        const why = `x-colo-lost-heartbeat succeeded while get_colo_mode() = ${mode} and failover is ${this.failover.status}: colo-failover.c:qmp_x_colo_lost_heartbeat refuses it`;
        this.violate({ line, kind: 'failover', from: this.status, to: 'x-colo-lost-heartbeat', why });
      }
    }
  }

  /**
   * QEMU 7.2 runs the failover of an in-band x-colo-lost-heartbeat before it writes the reply: the log
   * shows STOP, MIGRATION completed and COLO_EXIT(request) between the command and its `return`
   * (colo-failover.c:qmp_x_colo_lost_heartbeat schedules the bottom half, which the main loop runs
   * before the monitor's reply is flushed). An event that needs the failover, while such a command is
   * unanswered, is the proof that QEMU accepted it: apply the heartbeat at that moment.
   */
  private heartbeatInFlight(): void {
    const pending = this.commands
      .inBand()
      .find((c) => c.name === 'x-colo-lost-heartbeat' && !this.earlyHeartbeats.has(c));
    if (pending) {
      this.earlyHeartbeats.add(pending);
      this.commandSucceeded(pending.line, pending.name, pending.args);
    } else if (this.options.unseenCommands && this.failover.status === 'none') {
      // another monitor sent it: the event is the only trace this session gets
      this.commandSucceeded(this.reader.lastLine, 'x-colo-lost-heartbeat', undefined);
    }
  }

  private migration(line: number, to: unknown): void {
    if (typeof to !== 'string') {
      this.warn(line, 'bad-event', 'MIGRATION without a status string');
      return;
    }
    const from = this.status;
    if (from === 'colo' && to === 'completed') this.heartbeatInFlight();
    const { side, profile } = this.options;
    if (side === 'incoming' && announcesSetupInPlace(profile, from, to)) {
      const note = `${profile.name}: the destination emits MIGRATION setup but stays ${from} (docs/qemu-7.2.md)`;
      this.record({ line, from, to, allowed: true, note });
      return;
    }
    this.status = to;
    if (!this.replay.knows(from)) {
      this.warn(
        line,
        'unchecked',
        `${from} -> ${to} not checked: ${from} is not a status of ${profile.name}`,
      );
      this.record({ line, from, to, allowed: false, note: 'unchecked' });
      return;
    }
    const verdict = this.replay.check(from, to);
    if (verdict.ok) {
      this.replay.context = verdict.context;
      const note = verdict.hidden.length ? `assumed unobservable ${verdict.hidden.join(', ')}` : undefined;
      this.record({ line, from, to, allowed: true, event: verdict.event, ...(note ? { note } : {}) });
    } else {
      this.record({ line, from, to, allowed: false });
      this.violate({ line, kind: 'status', from, to, why: verdict.why });
    }
    if (to === 'colo') {
      this.episode = { line, exitLine: null };
      this.failover.init(); // colo.c: each COLO thread starts with failover_init_state
    } else if (to === 'setup') this.episode = null;
    if (from === 'colo' && to === 'completed') this.racingReasons = new Set(this.failover.exitReasons());
    if (from === 'colo' && to === 'completed' && !this.failover.complete()) {
      const why = `colo -> completed is *_vm_do_failover (colo.c), but no failover was requested (failover ${this.failover.status})`;
      this.violate({ line, kind: 'failover', from, to, why });
    }
  }

  private coloExit(line: number, data: Readonly<Record<string, unknown>> | undefined): void {
    if (data?.reason === 'request') this.heartbeatInFlight();
    const violation = checkColoExit(
      line,
      this.options.side,
      this.status,
      this.episode,
      this.failover,
      data,
      this.racingReasons,
    );
    this.racingReasons = new Set();
    if (violation) this.violate(violation);
    else if (data?.reason === 'error' && this.failover.status === 'none') this.exitError = line;
  }

  private runState(line: number, running: boolean): void {
    this.running = running;
    this.stopLine = running ? null : line;
    this.oobAfterStop = 0;
  }

  private firstReport(key: string): boolean {
    if (this.reported.has(key)) return false;
    this.reported.add(key);
    return true;
  }

  private record(status: StatusStep): void {
    this.out.push({ type: 'status', status });
  }

  private violate(violation: Violation): void {
    this.out.push({ type: 'violation', violation });
  }

  private warn(line: number, code: TraceWarning['code'], message: string): void {
    this.out.push({ type: 'warning', warning: { line, code, message } });
  }
}

type CapabilityState = SetCapabilitiesEvent['capabilities'][number];

function isCapabilityState(item: unknown): item is CapabilityState {
  if (typeof item !== 'object' || item === null) return false;
  const { capability, state } = item as Record<string, unknown>;
  return typeof capability === 'string' && typeof state === 'boolean';
}
