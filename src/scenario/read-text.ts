/** Reads a file as text; throws a Node error (with `code`) when it cannot. load.ts passes the real one. */
export type ReadText = (file: string) => string;

/**
 * Why a file named by a scenario (a profile, durations or trace file) could not be read, for an
 * error message: "ENOENT: no such file (looked for dir/x.csv)".
 */
export function readFailure(e: unknown, file: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
  return `${code !== undefined && !why.startsWith(code) ? `${code}: ` : ''}${why} (looked for ${file})`;
}
