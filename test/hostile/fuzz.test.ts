import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { main } from '../../src/cli/cli';

/**
 * Property-based fuzzing of the shipped scenarios (issue 14): mutants of every file — a field
 * replaced by a hostile value, a key removed or added, the text cut or a character inserted — are
 * validated and, when valid, run in-process through the CLI's `main` with a small work budget.
 * Every mutant must give exit 0 or 2 (never 1, an internal error), finish in a few seconds, write
 * nothing outside its output folder and pollute no prototype. PORTSIM_FUZZ_RUNS sets the number of
 * mutants (default 40, about 20 s); PORTSIM_FUZZ_RUNS=10000 is the long run.
 */
const RUNS = Number(process.env.PORTSIM_FUZZ_RUNS ?? 40);
const SCENARIOS = join(__dirname, '..', '..', 'scenarios');
const FILES = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml')).sort();
/** Each shipped scenario made small (2 s, one replication, warm-up 1 s) so that valid mutants run in milliseconds. */
const DOCS = FILES.map((f) => {
  const doc = parse(readFileSync(join(SCENARIOS, f), 'utf8')) as Record<string, unknown>;
  Object.assign(doc, { duration: '2s', replications: 1, warmup: '1s' });
  return { name: f, text: stringify(doc) };
});
/** "Never a hang": a case over this fails (wall time, on a machine that may be shared: a valid case takes well under 1 s alone). */
const PER_CASE_MS = 10_000;

const HOSTILE: unknown[] = [
  '50/s', '2s', '100ms', 5, '1e20/s', '1e-300/s', '0/s', '-5/s', '1000000000/s', '5/100ms', '1us', '0s', '-1s', '365000d', '366d', '1m30s', '1.5s', '10 sec',
  '', ' ', 'abc', '__proto__', 'constructor', '../../../etc/shadow', '/proc/self/environ', '/dev/zero', 'x.yaml', 'linux', 'windows',
  'windows-legacy', 'macos', 'poisson', 'constant', 'trace', 'bursts', 'client', 'server', 'udp', 'tcp', 'any-port', 'unlimited',
  0, 1, -1, 2, 3, 100, 65535, 65536, 1e300, -1e300, 2 ** 53 + 1, 0.5, NaN, true, false, null, [], {}, [1, 2], ['linux', 'windows'],
  { dist: 'exponential', mean: '1ms' }, { dist: 'pareto', scale: '1ms', shape: 0.5 }, { type: 'poisson', rate: '1/s' },
  { dist: 'mixture', parts: [{ weight: 1e308, duration: '1us' }, { weight: 1e308, duration: '365000d' }] }, { dist: 'mixture', parts: [{ weight: 1, duration: { dist: 'mixture', parts: [] } }] },
  { type: 'constant-concurrency', count: 1000000, think: '1us' }, { __proto__: { polluted: 1 } }, 'a'.repeat(300),
];
const KEYS = ['rate', 'duration', 'sample', 'warmup', 'seed', 'replications', 'clients', 'arrivals', 'file', 'profile', 'sourceIps', 'compare', '__proto__', 'constructor', 'timeWait', 'portRange', 'retry', 'pool'];

type Json = unknown;
/** The paths of every node of a document. */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) paths((v as Record<string, Json>)[k], [...at, k], out);
  return out;
}
function setAt(doc: Json, path: (string | number)[], f: (parent: Record<string | number, Json>, key: string | number) => void): void {
  let node = doc as Record<string | number, Json>;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, Json>;
  if (path.length > 0 && node !== null && typeof node === 'object') f(node, path[path.length - 1]!);
}

/** One mutation of a document, picked by the arbitrary's numbers. */
const mutation = fc.record({
  kind: fc.constantFrom('keep', 'replace', 'replace', 'replace', 'delete', 'add', 'text-cut', 'text-insert'),
  node: fc.nat(),
  value: fc.constantFrom(...HOSTILE),
  key: fc.constantFrom(...KEYS),
  char: fc.constantFrom(':', '-', '[', '{', '*', '&', '#', '"', '\t', '\r', '\n', '\u0000', '\uFEFF', '!!binary ', '<<: '),
});

function mutate(text: string, ms: { kind: string; node: number; value: unknown; key: string; char: string }[]): string {
  let doc = parse(text) as Json;
  let out = text;
  for (const m of ms) {
    if (m.kind === 'keep') continue;
    if (m.kind === 'text-cut' || m.kind === 'text-insert') {
      out = stringify(doc);
      const at = m.node % (out.length + 1);
      out = m.kind === 'text-cut' ? out.slice(0, at) : out.slice(0, at) + m.char + out.slice(at);
      try { doc = parse(out); } catch { return out; }
      continue;
    }
    const all = paths(doc).filter((p) => p.length > 0);
    if (all.length === 0) break;
    const p = all[m.node % all.length]!;
    setAt(doc, p, (parent, key) => {
      if (m.kind === 'replace') parent[key] = structuredClone(m.value);
      else if (m.kind === 'delete') { if (Array.isArray(parent)) parent.splice(key as number, 1); else delete parent[key]; }
      else if (!Array.isArray(parent)) parent[m.key] = structuredClone(m.value);
    });
    out = stringify(doc);
  }
  return out;
}

const silent = { out: () => {}, err: () => {} };
const counts = { cases: 0, exit0: 0, exit2: 0, exit1: 0, slow: 0, ran: 0 };

test(`fuzz: ${RUNS} mutants of the shipped scenarios give exit 0 or 2, in time, writing only their output folder`, async () => {
  const root = mkdtempSync(join(tmpdir(), 'portsim-fuzz-'));
  const cwd = process.cwd();
  try {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: DOCS.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (d, ms) => {
        const text = mutate(DOCS[d]!.text, ms);
        const dir = join(root, `c${counts.cases++}`);
        mkdirSync(join(dir, 'in'), { recursive: true });
        writeFileSync(join(dir, 'in', 'scenario.yaml'), text);
        process.chdir(dir);
        try {
          const file = join('in', 'scenario.yaml');
          const t0 = Date.now();
          let code = await main(['validate', file], silent);
          if (code === 0) {
            counts.ran++;
            code = await main(['run', file, '--out', 'out', '--no-report', '--jobs', '1', '-q', '--max-events', '1e5', '--max-rows', '1e4'], silent);
          }
          const ms = Date.now() - t0;
          if (code === 0) counts.exit0++; else if (code === 2) counts.exit2++; else counts.exit1++;
          if (ms > PER_CASE_MS) counts.slow++;
          if (counts.cases % 1000 === 0) process.stderr.write(`fuzz: ${JSON.stringify(counts)}\n`);
          expect({ code: code === 0 || code === 2, text: code === 1 ? text : '' }).toEqual({ code: true, text: '' });
          expect(ms).toBeLessThan(PER_CASE_MS);
          // Only the input folder and the output folder; the input untouched; no prototype polluted.
          expect(readdirSync(dir).filter((n) => n !== 'in' && n !== 'out')).toEqual([]);
          expect(readdirSync(join(dir, 'in'))).toEqual(['scenario.yaml']);
          expect(Object.keys(Object.prototype)).toEqual([]);
        } finally {
          process.chdir(cwd);
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.PORTSIM_FUZZ_SEED ?? 14), endOnFailure: true },
    );
  } finally {
    process.chdir(cwd);
    rmSync(root, { recursive: true, force: true });
    process.stderr.write(`fuzz: ${JSON.stringify(counts)}\n`);
  }
}, Math.max(60_000, RUNS * PER_CASE_MS));
