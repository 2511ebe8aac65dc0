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

/**
 * A file's bytes as text: UTF-8 (a byte-order mark dropped), with lone CR line ends (old Mac
 * files) turned into LF, one character for one, so offsets stay those of the file. Throws an
 * Error saying what the file is instead: UTF-16 or UTF-32 (saved so by some Windows editors),
 * binary (NUL bytes), or not valid UTF-8.
 */
export function decodeText(bytes: Uint8Array): string {
  const b0 = bytes[0], b1 = bytes[1];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) throw new Error('is UTF-16 (or UTF-32) text: save it as UTF-8');
  if (bytes.length >= 2 && (b0 === 0 || b1 === 0)) throw new Error('is UTF-16 text without a byte-order mark, or binary: save it as UTF-8');
  if (bytes.includes(0)) throw new Error('holds NUL bytes: it is a binary file, not UTF-8 text');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new Error('is not valid UTF-8 text: save it as UTF-8');
  }
  return text.replace(/\r(?!\n)/g, '\n');
}
