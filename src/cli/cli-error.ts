/** An error the CLI reports as `Error: <message>` (+ hint and details) on stderr, then exits. */
export class CliError extends Error {
  readonly hint: string | undefined;
  readonly details: string[];
  /** 1 for errors; `sync` also uses 2 (blocked). */
  readonly exitCode: number;

  constructor(message: string, opts: { hint?: string; details?: string[]; exitCode?: number } = {}) {
    super(message);
    this.hint = opts.hint;
    this.details = opts.details ?? [];
    this.exitCode = opts.exitCode ?? 1;
  }
}

/** Writes the error to stderr and returns the exit code to use. */
export function reportError(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (err instanceof CliError) {
    stderr.write(`Error: ${err.message}\n`);
    for (const d of err.details) stderr.write(`  - ${d}\n`);
    if (err.hint) stderr.write(`Hint: ${err.hint}\n`);
    return err.exitCode;
  }
  // Unexpected errors keep their stack only when asked: a stack trace is noise for an admin.
  const message = err instanceof Error ? err.message : String(err);
  stderr.write(`Error: ${message}\n`);
  if (process.env.ACCESSIQ_DEBUG && err instanceof Error && err.stack) stderr.write(`${err.stack}\n`);
  return 1;
}
