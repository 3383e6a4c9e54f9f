/**
 * Where the CLI writes. Commands never touch `process.stdout` directly, so tests can call `main` with
 * their own sinks and read exactly what a user would see.
 * @public
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** The real terminal. @public */
export const processIo: CliIo = {
  stdout: (text) => {
    process.stdout.write(text);
  },
  stderr: (text) => {
    process.stderr.write(text);
  },
};
