/** Where the CLI writes text: the process streams in production, buffers in tests. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

export const processIO: CliIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
};

/** A user error with its exit code (2: bad input or usage). */
export class ExitError extends Error {
  constructor(message: string, readonly code = 2) {
    super(message);
    this.name = 'ExitError';
  }
}
