import type { CliIo } from '../../cli/io.js';

/** A CliIo that records what a command wrote, for in-process runs of `main`. */
export function captureIo(): CliIo & {
  out: () => string;
  err: () => string;
  onErr: (f: (s: string) => void) => void;
  onOut: (f: (s: string) => void) => void;
} {
  let out = '';
  let err = '';
  const watchers: Array<(s: string) => void> = [];
  const outWatchers: Array<(s: string) => void> = [];
  return {
    stdout: (text) => {
      out += text;
      for (const w of outWatchers) w(out);
    },
    stderr: (text) => {
      err += text;
      for (const w of watchers) w(err);
    },
    out: () => out,
    err: () => err,
    onErr: (f) => {
      watchers.push(f);
      f(err);
    },
    onOut: (f) => {
      outWatchers.push(f);
      f(out);
    },
  };
}
