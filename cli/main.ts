import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from '@commander-js/extra-typings';
import { registerChartCommand } from './commands/chart.js';
import { registerCheckCommand } from './commands/check.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerExportCommand } from './commands/export.js';
import { registerLogCommand } from './commands/log.js';
import { registerNodeCommands } from './commands/node.js';
import { registerReplayCommand } from './commands/replay.js';
import { registerTraceCommand } from './commands/trace.js';
import { registerViewCommand } from './commands/view.js';
import { EXIT_FAILURE, EXIT_USAGE, UsageError } from './errors.js';
import type { CliIo } from './io.js';
import { processIo } from './io.js';

/**
 * The version in lockstep's package.json, found by walking up from this module (it runs from `cli/` under
 * tsx and from `dist/cli/` when built).
 */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'lockstep' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here: look one folder up
    }
  }
  return 'unknown';
}

/** Commander's codes for help and version output, which end a run successfully. */
const SUCCESS_CODES = new Set([
  'commander.helpDisplayed',
  'commander.version',
  'commander.executeSubCommandAsync',
]);

/**
 * Builds the command tree. Each command lives in `cli/commands/` and registers itself here, so adding
 * `demo`, `check`, `trace` or `replay` is one file and one line. `setExit` lets a command whose work
 * failed without throwing (the demo's digests differ) make `main` return that code. Commands must be created with
 * `program.command()` after the settings above, which is how they inherit exitOverride and the output.
 * @public
 */
export function createProgram(io: CliIo, setExit: (code: number) => void = () => {}): Command {
  const program = new Command()
    .name('lockstep')
    .description("QEMU's COLO protocol as executable state machines")
    .version(packageVersion(), '-V, --version', "print lockstep's version")
    .showSuggestionAfterError()
    // Commander must not call process.exit: main returns the exit code so tests can run it in-process.
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      // Usage errors become one line, like lockstep's own, with the way to get help.
      outputError: (text, write) => {
        const message = text
          .replace(/^error: /, '')
          .replace(/\s*\n\s*/g, ' ')
          .trim();
        write(`lockstep: ${message} (see lockstep --help)\n`);
      },
    });
  registerChartCommand(program, io);
  registerDemoCommand(program, io, setExit);
  registerNodeCommands(program, io, setExit);
  registerLogCommand(program, io);
  registerCheckCommand(program, io, setExit);
  registerExportCommand(program, io, setExit);
  registerTraceCommand(program, io, setExit);
  registerReplayCommand(program, io, setExit);
  registerViewCommand(program, io);
  return program;
}

/**
 * Runs the CLI on `argv` (without the node and script paths) and returns the exit code: 0 on success,
 * 2 on bad input, 1 when the work itself failed. Never calls `process.exit`.
 * @public
 */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  // a command whose work ran but failed (a digest mismatch, a fatal node error) sets 1 here
  let code = 0;
  const program = createProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return SUCCESS_CODES.has(error.code) ? 0 : EXIT_USAGE;
    if (error instanceof UsageError) {
      io.stderr(`lockstep: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`lockstep: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILURE;
  }
}
