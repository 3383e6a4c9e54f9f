import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { run } from './run.js';

/** The README's CLI table: for each row, the command path (`trace attach`, `` for the root) and its flags. */
async function readmeRows(): Promise<Map<string, Set<string>>> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(
    readme.indexOf('## CLI'),
    readme.indexOf('\n## ', readme.indexOf('## CLI') + 1),
  );
  const rows = new Map<string, Set<string>>();
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `lockstep')) continue;
    const cell = line.split(/(?<!\\)\|/)[1]!;
    // a cell may hold several forms (`lockstep --version`, `lockstep --help`): each is `lockstep WORDS FLAGS`
    for (const form of cell.match(/`lockstep[^`]*`/g) ?? []) {
      const tokens = form.slice(1, -1).split(/\s+/).slice(1);
      const words: string[] = [];
      for (const token of tokens) {
        if (!/^[a-z][a-z-]*$/.test(token)) break;
        words.push(token);
      }
      const flags = rows.get(words.join(' ')) ?? new Set<string>();
      for (const flag of form.match(/--[a-z][a-z-]*/g) ?? []) if (flag !== '--help') flags.add(flag);
      rows.set(words.join(' '), flags);
    }
  }
  return rows;
}

/** The flags a `--help` text lists (any command: the Options section's long names), without --help. */
function helpFlags(help: string): Set<string> {
  const options = help.slice(
    help.indexOf('Options:'),
    help.indexOf('Commands:') >= 0 ? help.indexOf('Commands:') : undefined,
  );
  const flags = [...options.matchAll(/^\s{2}(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((m) => m[1]!);
  return new Set(flags.filter((flag) => flag !== '--help'));
}

/** The subcommands a `--help` text lists, without `help`. */
function helpCommands(help: string): string[] {
  const at = help.indexOf('Commands:');
  if (at < 0) return [];
  return [...help.slice(at).matchAll(/^\s{2}([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
}

/** Every leaf command of the CLI, found by walking `--help`, as paths (`trace attach`). */
async function leafCommands(path: string[] = []): Promise<string[][]> {
  const help = (await run(...path, '--help')).stdout;
  const children = helpCommands(help);
  if (children.length === 0) return [path];
  const leaves = await Promise.all(children.map((child) => leafCommands([...path, child])));
  return leaves.flat();
}

describe("the README's CLI reference is the CLI", () => {
  it('documents every command, and for each exactly the flags its --help lists', async () => {
    const rows = await readmeRows();
    const leaves = await leafCommands();
    expect(leaves.length).toBeGreaterThan(10);
    for (const path of [[], ...leaves]) {
      const name = path.join(' ');
      const documented = [...rows.keys()].find((row) => row === name || row.startsWith(`${name} `));
      expect(documented, `README has no row for "lockstep ${name}"`).toBeDefined();
      const help = (await run(...path, '--help')).stdout;
      expect([...rows.get(documented!)!].sort(), `flags of "lockstep ${name}"`).toEqual(
        [...helpFlags(help)].sort(),
      );
    }
  });

  it('"every command except primary and secondary takes --json" holds', async () => {
    for (const path of await leafCommands()) {
      const help = (await run(...path, '--help')).stdout;
      const runsUntilQuit = path[0] === 'primary' || path[0] === 'secondary';
      expect(helpFlags(help).has('--json'), path.join(' ')).toBe(!runsUntilQuit);
    }
  });

  it('lockstep --version prints the version of package.json', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    const result = await run('--version');
    expect(result).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
});
