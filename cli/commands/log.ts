import type { Command } from '@commander-js/extra-typings';
import type { NodeFixes, NodeInput, NodeRole, NodeState, ProfileName } from '../../machines/index.js';
import { applyInput, createNode, PROFILE_NAMES, PROFILES } from '../../machines/index.js';
import { type LogEvent, readLog } from '../../runtime/log/index.js';
import {
  EMPTY_STATS,
  foldStats,
  type InputMeta,
  type NodeStats,
  recordTimeline,
} from '../../runtime/node/index.js';
import { UsageError } from '../errors.js';
import { type CliIo, checkInputFile } from '../io.js';

/** What replaying a node's log gives. @public */
export interface Replay {
  readonly role: NodeRole;
  readonly profile: ProfileName;
  readonly ram: string | undefined;
  /** Inputs folded (the events after the `start` line). */
  readonly events: number;
  /** The status timeline, in the format the live node records in `node.timeline`. */
  readonly timeline: readonly string[];
  readonly state: NodeState;
  readonly stats: NodeStats;
  /** The torn last line that was dropped, if any. */
  readonly torn: { readonly line: number; readonly bytes: number } | null;
}

interface StartData {
  readonly role?: unknown;
  readonly profile?: unknown;
  readonly ram?: unknown;
  readonly multifd?: unknown;
  readonly fixes?: unknown;
}

/**
 * Rebuilds a node's states from its log: every logged input folded through `applyInput` from
 * `createNode({role, profile, multifd, fixes})` as the start line names them, the statistics through
 * `foldStats`, the timeline through `recordTimeline`, exactly as the live node did.
 * @public
 */
export async function replayLog(path: string): Promise<Replay> {
  const { events, torn } = await readLog(path);
  const [first, ...rest] = events as Array<LogEvent<Record<string, unknown>>>;
  if (first === undefined)
    throw new UsageError(`${path} has no whole event; a node log starts with a start line`);
  if (first.type !== 'start')
    throw new UsageError(
      `${path} does not start with a start line (found "${first.type}"); is it a node log?`,
    );
  const start = first.data as StartData;
  const role = start.role === 'primary' || start.role === 'secondary' ? start.role : undefined;
  const profile = PROFILE_NAMES.find((name) => name === start.profile);
  if (role === undefined || profile === undefined)
    throw new UsageError(
      `${path}: the start line names role ${String(start.role)} and profile ${String(start.profile)}; valid: primary, secondary and ${PROFILE_NAMES.join(', ')}`,
    );
  const multifd = typeof start.multifd === 'number' && start.multifd > 0 ? start.multifd : undefined;
  const fixes =
    typeof start.fixes === 'object' && start.fixes !== null ? (start.fixes as Partial<NodeFixes>) : {};
  let state = createNode({
    role,
    profile: PROFILES[profile],
    ...(multifd === undefined ? {} : { multifd }),
    ...(Object.keys(fixes).length > 0 ? { fixes } : {}),
  });
  let stats = EMPTY_STATS;
  const timeline: string[] = [];
  for (const event of rest) {
    const data = event.data as { input?: NodeInput; meta?: InputMeta };
    if (data?.input === undefined) continue;
    const before = state;
    const applied = applyInput(before, data.input);
    state = applied.node;
    stats = foldStats(stats, {
      ts: event.ts,
      input: data.input,
      ...(data.meta ? { meta: data.meta } : {}),
      effects: applied.effects,
      checkpointDone: applied.node.checkpoints > before.checkpoints,
    });
    recordTimeline(timeline, before, applied);
  }
  return {
    role,
    profile,
    ram: typeof start.ram === 'string' ? start.ram : undefined,
    events: rest.length,
    timeline,
    state,
    stats,
    torn: torn && { line: torn.line, bytes: torn.bytes },
  };
}

/** The statuses a replay ends in. @public */
export function finalStatuses(state: NodeState): Record<string, unknown> {
  return {
    source: String(state.source.value),
    incoming: String(state.incoming.value),
    colo: state.colo ? String(state.colo.value) : null,
    failover: String(state.failover.value),
    vm: state.vm,
    checkpoints: state.checkpoints,
    passes: state.passes,
  };
}

/** Adds `lockstep log` (with `replay`) to the program. @public */
export function registerLogCommand(program: Command, io: CliIo): void {
  const log = program.command('log').description("work with a node's event log");
  log
    .command('replay')
    .description(
      "rebuild a node's states from its event log and print the status timeline (a log cut mid-line replays up to its last whole event)",
    )
    .argument('<file>', 'the event log (JSON Lines) of one node')
    .option('--json', 'print one JSON object: role, profile, events, timeline, final')
    .action(async (file: string, flags: { json?: true }) => {
      checkInputFile('event log', file);
      const replay = await replayLog(file);
      if (replay.torn)
        io.stderr(
          `lockstep: warning: ${file} line ${replay.torn.line} is torn (${replay.torn.bytes} bytes, a crash mid-write); replayed up to the last whole event\n`,
        );
      const final = finalStatuses(replay.state);
      if (flags.json) {
        io.stdout(
          `${JSON.stringify({
            role: replay.role,
            profile: replay.profile,
            events: replay.events,
            timeline: replay.timeline,
            final,
            checkpoints: replay.stats.checkpoints,
          })}\n`,
        );
        return;
      }
      let text = `${replay.role} ${replay.profile}${replay.ram ? ` ${replay.ram}` : ''}: ${replay.events} events\n\n`;
      text += replay.timeline.map((line) => `  ${line}\n`).join('');
      text += `\nfinal: ${Object.entries(final)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(', ')}\n`;
      io.stdout(text);
    });
}
