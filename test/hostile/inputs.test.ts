import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir, tempScenario } from '../helpers/cli';

// These spawn no processes but run simulations; a shared machine can be slow.
jest.setTimeout(60_000);

/**
 * Hostile or careless input (issue 14): each is refused with exit 2 and a clear message, never
 * an internal error (exit 1), never a hang, never an echo of a secret file.
 */
const BASE = `name: hostile
duration: 10s
hosts: [{ name: h, profile: linux }]
destinations: [{ name: d, address: 10.0.0.1:80 }]
workloads:
  - name: w
    arrivals: { type: poisson, rate: 10/s }
    connection: { duration: 1s }
`;

async function refused(...argv: string[]): Promise<string> {
  const r = await cli(...argv);
  expect({ code: r.code, out: r.out }).toEqual({ code: 2, out: '' });
  expect(r.err).not.toMatch(/internal error/);
  return r.err;
}

describe('hostile input is refused with exit 2', () => {
  test('a workload with neither arrivals nor clients', async () => {
    const f = tempScenario(BASE.replace('    arrivals: { type: poisson, rate: 10/s }\n', ''));
    expect(await refused('validate', f)).toMatch(/workloads\[0\]\.arrivals: is required/);
  });

  test('a YAML alias bomb', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)}]`);
    expect(await refused('validate', tempScenario(`${bomb.join('\n')}\n`))).toMatch(/too many alias expansions/);
  });

  test('nesting 2,000 deep', async () => {
    const err = await refused('validate', tempScenario(`${'['.repeat(2000)}${']'.repeat(2000)}\n`));
    expect(err).not.toMatch(/Maximum call stack/);
  });

  test('--set __proto__ and constructor paths', async () => {
    const f = tempScenario(BASE);
    expect(await refused('validate', f, '--set', '__proto__.toString=1')).toMatch(/"__proto__" is not a field/);
    expect(await refused('validate', f, '--set', 'workloads.0.constructor.prototype.x=1')).toMatch(/"constructor" is not a field/);
    expect(({} as Record<string, unknown>).toString).toBe(Object.prototype.toString);
  });

  test('a scenario name over 100 characters', async () => {
    expect(await refused('validate', tempScenario(BASE.replace('name: hostile', `name: ${'n'.repeat(300)}`)))).toMatch(/name: must be <= 100/);
  });

  test('365000d is too long, with a message that says so', async () => {
    expect(await refused('validate', tempScenario(BASE), '--duration', '365000d')).toMatch(/duration .*is too long: at most 366d, got "365000d"/);
  });

  test('rates of 1e20/s, and trace rates of 1e300/s', async () => {
    expect(await refused('validate', tempScenario(BASE), '--set', 'workloads.w.arrivals.rate=1e20/s')).toMatch(/is too high: at most 10000000\/s/);
    const dir = tempDir();
    writeFileSync(join(dir, 't.csv'), 't_s,rate_per_s\n0,1e300\n');
    writeFileSync(join(dir, 's.yaml'), BASE.replace('{ type: poisson, rate: 10/s }', '{ type: trace, file: t.csv }'));
    expect(await refused('validate', join(dir, 's.yaml'))).toMatch(/rate_per_s must be a number from 0 to 10000000/);
  });

  test('1e-300/s is shown as it is, not as 0/s', async () => {
    const r = await cli('validate', tempScenario(BASE), '--set', 'workloads.w.arrivals.rate=1e-300/s');
    expect(r.out).toMatch(/at 1e-300\/s in total/);
  });

  test('a seed above 2^53 is named as such, once', async () => {
    const err = await refused('validate', tempScenario(BASE), '--seed', '9007199254740993');
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/seed .*must be a whole number from 0 to 4294967295, .*beyond 2\^53/);
  });

  test('UTF-16, CR-only line ends, /dev/zero', async () => {
    const u16 = tempScenario('');
    writeFileSync(u16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(BASE, 'utf16le')]));
    expect(await refused('validate', u16)).toMatch(/is UTF-16 .*save it as UTF-8/);
    const cr = tempScenario(BASE.replace(/\n/g, '\r'));
    expect((await cli('validate', cr)).out).toMatch(/ok — hostile/);
    const t0 = Date.now();
    expect(await refused('validate', '/dev/zero')).toMatch(/not a regular file/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  test('files outside the scenario folder are refused; their content is never echoed whole', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    const secret = join(dir, 'secret.csv');
    writeFileSync(secret, `root:$6$${'x'.repeat(80)}:19000:0:99999:7:::\n`);
    const trace = (file: string) => BASE.replace('{ type: poisson, rate: 10/s }', `{ type: trace, file: ${file} }`);
    writeFileSync(join(dir, 'sub', 's.yaml'), trace('../secret.csv'));
    expect(await refused('validate', join(dir, 'sub', 's.yaml'))).toMatch(/workloads\[0\]\.arrivals\.file: names a file outside the scenario's folder/);
    writeFileSync(join(dir, 'abs.yaml'), trace('/proc/self/environ'));
    expect(await refused('validate', join(dir, 'abs.yaml'))).toMatch(/outside the scenario's folder/);
    // Allowed on request, the excerpt of a malformed file stays short.
    const err = await refused('validate', join(dir, 'sub', 's.yaml'), '--allow-any-path');
    expect(err).toMatch(/the header must be/);
    expect(err).not.toContain('x'.repeat(30));
    writeFileSync(join(dir, 'env.yaml'), trace('/proc/self/environ'));
    expect(await refused('validate', join(dir, 'env.yaml'), '--allow-any-path')).toMatch(/NUL bytes/);
  });
});
