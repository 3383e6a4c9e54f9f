import type { Command } from '@commander-js/extra-typings';
import type { NodeState } from '../../machines/index.js';
import { LockstepError } from '../../runtime/errors.js';
import { segmentsOf } from '../../runtime/log/index.js';
import { foldNodeLog } from '../../runtime/node/index.js';
import { UsageError } from '../errors.js';
import { type CliIo, checkInputFile } from '../io.js';

function oldestSegment(file: string): string {
  try {
    return segmentsOf(file)[0] ?? file;
  } catch {
    return file; // its folder cannot be listed: checkInputFile names why
  }
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
      // a long run's first segment may be gone: the oldest segment still on disk is what is read first
      checkInputFile('event log', oldestSegment(file));
      const replay = await foldNodeLog(file).catch((e: unknown) => {
        if (e instanceof LockstepError) throw new UsageError(e.message);
        const code = (e as NodeJS.ErrnoException).code;
        throw new UsageError(
          `cannot read ${file} (${code ?? (e as Error).message}); give the path of a node's event log`,
        );
      });
      const { start } = replay;
      if (replay.torn)
        io.stderr(
          `lockstep: warning: ${file} line ${replay.torn.line} is torn (${replay.torn.bytes} bytes, a crash mid-write); replayed up to the last whole event\n`,
        );
      const final = finalStatuses(replay.state);
      if (flags.json) {
        io.stdout(
          `${JSON.stringify({
            role: start.role,
            profile: start.profile,
            run: start.run,
            from: replay.from,
            segments: replay.segments,
            events: replay.inputs,
            timeline: replay.timeline,
            final,
            checkpoints: replay.stats.checkpoints,
          })}\n`,
        );
        return;
      }
      let text = `${start.role} ${start.profile} ${start.ram}${start.multifd > 0 ? ` multifd ${start.multifd}` : ''}: ${replay.inputs} events (run ${start.run})\n\n`;
      if (replay.from === 'snapshot')
        text += `(older segments were removed: folded from the snapshot that starts ${replay.segments[0]})\n\n`;
      text += replay.timeline.map((line) => `  ${line}\n`).join('');
      text += `\nfinal: ${Object.entries(final)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(', ')}\n`;
      io.stdout(text);
    });
}
