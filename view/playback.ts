import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { checkTrace, type TraceReport, type TraceSide } from '../conformance/trace/index.js';
import type { MachineName, NodeRole, ProfileName } from '../machines/index.js';
import { PROFILES } from '../machines/index.js';
import {
  type ColoAction,
  type ColoModelOptions,
  type ColoState,
  createColoModel,
  FIX_NAMES,
  linkHead,
  nodeOf,
} from '../model/index.js';
import { machineStates } from './states.js';

/** One step of a playback, drawn as a row of the message sequence chart. @public */
export interface PlaybackStep {
  /** 1-based. */
  readonly n: number;
  /** The column the step is drawn in: a side, or the link between them. */
  readonly lane: NodeRole | 'link';
  /** For a message: which way it travels. */
  readonly arrow?: 'to-secondary' | 'to-primary';
  readonly text: string;
  readonly fault?: boolean;
  /** Each side's machines after the step, as chart state paths. */
  readonly states: Readonly<Record<NodeRole, Partial<Record<MachineName, string[]>>>>;
  /** `violation`, `finding` or `warning` when the checker flagged this step. */
  readonly flag?: 'violation' | 'finding' | 'warning';
  readonly note?: string;
  /** The log line (QMP logs). */
  readonly line?: number;
}

/** A counterexample or a checked QMP log, ready to play. @public */
export interface Playback {
  readonly kind: 'counterexample' | 'qmp-log';
  readonly file: string;
  readonly title: string;
  readonly detail: string;
  readonly profile: ProfileName;
  readonly steps: readonly PlaybackStep[];
}

/** The counterexample as `lockstep check` saves it (`.lockstep/traces/PROPERTY.json`). */
interface SavedTrace {
  readonly options?: ColoModelOptions;
  readonly property: string;
  readonly kind?: string;
  readonly steps: ReadonlyArray<{ action: ColoAction; primary: string | null; secondary: string | null }>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** JSON with sorted keys, to compare actions read from a file with the model's. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_, value: unknown) =>
    isObject(value) && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );

/**
 * Reads a trace file and decides by content what it is: a counterexample saved by `lockstep check`
 * (an object with `steps`), the output of `lockstep check --json` (the first violation's trace, else the
 * first finding's), or a QMP log (one wire object per line, starting with QMP's greeting or a command).
 * @throws Error naming what the file is not
 * @public
 */
export async function loadPlayback(file: string): Promise<Playback> {
  const text = await readFile(file, 'utf8');
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    whole = undefined;
  }
  if (isObject(whole) && Array.isArray(whole.steps))
    return counterexample(file, whole as unknown as SavedTrace);
  if (isObject(whole) && (Array.isArray(whole.violations) || Array.isArray(whole.findings))) {
    type Entry = { property: string; kind?: string; trace: SavedTrace['steps'] | null };
    const entries = [
      ...((whole.violations as Entry[] | undefined) ?? []),
      ...((whole.findings as Entry[] | undefined) ?? []),
    ];
    const hit = entries.find((e) => Array.isArray(e.trace));
    if (!hit?.trace) throw new Error(`${file}: a lockstep check result without a counterexample`);
    return counterexample(file, {
      property: hit.property,
      ...(hit.kind ? { kind: hit.kind } : {}),
      steps: hit.trace,
    });
  }
  if (isObject(whole) && isObject(whole.QMP)) return qmpLog(file, text);
  const first = text.split('\n').find((l) => l.trim() !== '');
  if (first !== undefined && /^\s*\{/.test(first)) return qmpLog(file, text);
  throw new Error(`${file}: neither a lockstep check counterexample (JSON) nor a QMP log (JSON lines)`);
}

/** Options good enough to replay a trace whose options were not saved (check --json output). */
function guessOptions(trace: SavedTrace): ColoModelOptions {
  const actions = trace.steps.map((s) => s.action);
  const faults = actions.filter((a) => a.t === 'fault').length;
  const triggers = actions.filter((a) => a.t === 'trigger').length;
  const channels = actions.reduce((m, a) => (a.t === 'multifd' ? Math.max(m, a.channel + 1) : m), 0);
  return { faults, checkpoints: Math.max(1, triggers), multifd: channels };
}

/** Replays the actions through the composed model: every state, or null when the model disagrees. */
function replay(options: ColoModelOptions, actions: readonly ColoAction[]): ColoState[] | null {
  try {
    const model = createColoModel(options);
    let state = model.initStates()[0];
    if (!state) return null;
    const states = [state];
    for (const action of actions) {
      const out: ColoAction[] = [];
      model.actions(state, out);
      const want = canonical(action);
      const match = out.find((a) => canonical(a) === want);
      if (!match) return null;
      const next = model.nextState(state, match);
      if (next === null) return null;
      states.push(next);
      state = next;
    }
    return states;
  } catch {
    return null;
  }
}

/** One step of a counterexample as a row of the chart; `states` are the replayed states, when the model agreed. */
function stepOf(step: SavedTrace['steps'][number], i: number, states: ColoState[] | null): PlaybackStep {
  const a = step.action;
  const before = states?.[i];
  const after = states?.[i + 1];
  const full = after
    ? {
        primary: machineStates(nodeOf(after, 'primary')),
        secondary: machineStates(nodeOf(after, 'secondary')),
      }
    : {
        primary: step.primary ? { 'colo-primary': [step.primary] } : {},
        secondary: step.secondary ? { 'colo-secondary': [step.secondary] } : {},
      };
  const n = i + 1;
  switch (a.t) {
    case 'step': {
      const colo = a.side === 'primary' ? step.primary : step.secondary;
      return { n, lane: a.side, text: `${a.thread} → ${colo ?? '-'}`, states: full };
    }
    case 'deliver': {
      const item = before ? String(linkHead(before, a.to) ?? '?') : 'message';
      return {
        n,
        lane: 'link',
        arrow: a.to === 'primary' ? 'to-primary' : 'to-secondary',
        text: item,
        states: full,
      };
    }
    case 'channel-error':
      return {
        n,
        lane: 'link',
        arrow: a.to === 'primary' ? 'to-primary' : 'to-secondary',
        text: 'channel error',
        fault: true,
        states: full,
      };
    case 'multifd':
      return { n, lane: 'link', arrow: 'to-secondary', text: `multifd-${a.channel} packet`, states: full };
    case 'trigger':
      return { n, lane: 'primary', text: 'checkpoint trigger', states: full };
    case 'fault':
      return {
        n,
        lane: a.fault === 'link-break' ? 'link' : a.side,
        text: a.fault === 'link-break' ? 'FAULT link break' : `FAULT ${a.fault}`,
        fault: true,
        states: full,
      };
  }
}

function counterexample(file: string, trace: SavedTrace): Playback {
  const actions = trace.steps.map((s) => s.action);
  const options = trace.options ?? guessOptions(trace);
  const states =
    replay(options, actions) ??
    // without options the fixes switched off are unknown: try each alone
    (trace.options
      ? null
      : FIX_NAMES.map((fix) => replay({ ...options, withoutFix: [fix] }, actions)).find((s) => s !== null)) ??
    null;
  const profile = (options.profile ?? 'qemu-11.0') as ProfileName;
  const steps = trace.steps.map((step, i) => stepOf(step, i, states));
  const last = steps.at(-1);
  const flagged = last
    ? [...steps.slice(0, -1), { ...last, flag: 'violation' as const, note: trace.property }]
    : steps;
  const opts = [
    `profile ${profile}`,
    `multifd ${options.multifd ?? 0}`,
    `faults ${options.faults ?? 1}`,
    ...(options.withoutFix?.length ? [`without ${options.withoutFix.join(', ')}`] : []),
  ];
  return {
    kind: 'counterexample',
    file: basename(file),
    title: `${trace.property}${trace.kind ? ` (${trace.kind})` : ''}`,
    detail: `${steps.length} steps; ${opts.join(', ')}${states ? '' : '; states replayed from the file only (COLO threads)'}`,
    profile,
    steps: flagged,
  };
}

type Wire = Record<string, unknown>;

function qmpLog(file: string, text: string): Playback {
  const lines = text.split('\n');
  const parsed = lines.map((l): Wire | null => {
    try {
      const v: unknown = JSON.parse(l);
      return isObject(v) ? v : null;
    } catch {
      return null;
    }
  });
  const side: TraceSide = parsed.some((m) => m?.execute === 'migrate-incoming') ? 'incoming' : 'source';
  const greeting = parsed.find((m) => isObject(m?.QMP));
  const major = Number(
    (((greeting?.QMP as Wire | undefined)?.version as Wire | undefined)?.qemu as Wire | undefined)?.major,
  );
  const profile: ProfileName = major === 7 ? 'qemu-7.2' : 'qemu-11.0';
  const report: TraceReport = checkTrace(lines, {
    side,
    profile: PROFILES[profile],
  });
  const role: NodeRole = side === 'source' ? 'primary' : 'secondary';
  const migration: MachineName = side === 'source' ? 'migration-source' : 'migration-incoming';
  const statusAt = new Map(report.statuses.map((s) => [s.line, s]));
  const flags = new Map<number, { flag: 'violation' | 'finding' | 'warning'; note: string }>();
  for (const w of report.warnings) flags.set(w.line, { flag: 'warning', note: w.message });
  for (const f of report.findings) flags.set(f.line, { flag: 'finding', note: `${f.kind}: ${f.detail}` });
  for (const v of report.violations)
    flags.set(v.line, { flag: 'violation', note: `${v.kind} ${v.from} → ${v.to}: ${v.why}` });
  let status = 'none';
  const steps: PlaybackStep[] = [];
  parsed.forEach((m, i) => {
    const line = i + 1;
    const flag = flags.get(line);
    if (!m || (!('execute' in m) && !('event' in m))) {
      if (!flag) return;
    }
    const st = statusAt.get(line);
    if (st) status = st.to;
    let text: string;
    let lane: PlaybackStep['lane'] = role;
    let arrow: PlaybackStep['arrow'];
    if (m && typeof m.execute === 'string') {
      text = `operator: ${m.execute}`;
      lane = 'link';
      arrow = role === 'primary' ? 'to-primary' : 'to-secondary';
    } else if (m && typeof m.event === 'string') {
      const data = isObject(m.data) ? Object.values(m.data).map(String).join(' ') : '';
      text = `${m.event}${data ? ` ${data}` : ''}`;
    } else text = `line ${line}`;
    steps.push({
      n: steps.length + 1,
      lane,
      ...(arrow ? { arrow } : {}),
      text,
      line,
      states: {
        primary: role === 'primary' ? { [migration]: [status] } : {},
        secondary: role === 'secondary' ? { [migration]: [status] } : {},
      },
      ...(flag ? { flag: flag.flag, note: flag.note } : {}),
      ...(st?.event ? { note: `${st.from} → ${st.to} (${st.event})` } : {}),
    });
  });
  return {
    kind: 'qmp-log',
    file: basename(file),
    title: `QMP log: ${report.verdict} to ${report.profile} (${report.side})`,
    detail: `${steps.length} steps; ${report.violations.length} violations, ${report.findings.length} findings, ${report.warnings.length} warnings`,
    profile,
    steps,
  };
}
