import { main } from '../../cli/main.js';

/** What one `lockstep` command printed and returned, run in this process (no child, no build). */
export interface InProcessRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `lockstep argv…` through the CLI's own `main`, collecting stdout and stderr. */
export async function runInProcess(argv: string[]): Promise<InProcessRun> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}
