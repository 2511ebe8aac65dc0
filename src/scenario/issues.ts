/**
 * Problems found in a scenario are data: a path into the document, a code and a message that
 * says what is allowed. One formatter turns them into text. Nothing here knows about files;
 * `load.ts` adds the file name and line numbers.
 */
export type PathSegment = string | number;

export interface Issue {
  path: PathSegment[];
  code: string;
  message: string;
  /** Where the value came from when it is not the file itself (e.g. "--set"). */
  origin?: string;
}

/** `workloads[0].arrivals.rate`; keys that are not identifiers are quoted. */
export function toDotPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? '(top level)' : out;
}

/** A value as shown in messages: `"abc" (string)`, `-5 (number)`, `[…] (array)`. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `${JSON.stringify(v).slice(0, 40)} (array)`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v === 'string' ? excerpt(v) : String(v).slice(0, 40)} (${typeof v})`;
}

/**
 * Text taken from a file or value, as quoted in a message: at most `max` characters (then "…"),
 * in JSON quotes, with control characters escaped. why so short: a file named by mistake may be
 * a secret (/etc/shadow, /proc/self/environ), and a message must not print it whole.
 */
export function excerpt(text: string, max = 24): string {
  const cut = [...text];
  return cut.length > max ? `${JSON.stringify(cut.slice(0, max).join('')).slice(0, -1)}…"` : JSON.stringify(text);
}

/** Levenshtein distance, for did-you-mean hints. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * The closest candidate within a small edit distance (or a case-insensitive match), if any; else
 * the shortest candidate the word abbreviates (`exp` → exponential), for words of 3+ letters.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const limit = Math.max(2, Math.floor(word.length / 3));
  for (const c of candidates) {
    const d = c.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, c);
    if (d < bestD && d <= limit) {
      best = c;
      bestD = d;
    }
  }
  if (best === undefined && word.length >= 3) {
    for (const c of candidates) {
      if (c.toLowerCase().startsWith(word.toLowerCase()) && (best === undefined || c.length < best.length)) best = c;
    }
  }
  return best;
}

/** " Did you mean "x"?" or "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : ` Did you mean "${c}"?`;
}

/** An issue with the place in the file it points at. */
export interface LocatedIssue extends Issue {
  line?: number;
  col?: number;
}

/**
 * `file:line:col: path: message`, one line per issue (the compiler convention), in the order of
 * the file (by line, then column); issues with no place in it (the command line's) first, as found.
 */
export function formatIssues(file: string, issues: readonly LocatedIssue[]): string {
  const place = (i: LocatedIssue) => (i.line === undefined ? -1 : i.line * 1e6 + (i.col ?? 1));
  return [...issues]
    .sort((a, b) => place(a) - place(b))
    .map((i) => {
      const where = i.line !== undefined ? `${file}:${i.line}:${i.col ?? 1}` : file;
      const origin = i.origin !== undefined ? ` (from ${i.origin})` : '';
      return i.path.length === 0 && (i.code === 'yaml' || i.code === 'csv')
        ? `${where}: ${i.message}`
        : `${where}: ${toDotPath(i.path)}${origin}: ${i.message}`;
    })
    .join('\n');
}

