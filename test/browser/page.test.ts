import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir } from '../helpers/cli';
import { decodePng } from '../helpers/png';
import { Browser, CHROMIUM } from './chromium';

/**
 * The browser page (#18), dist/web/index.html built from the sources, opened from disk in
 * Debian's headless Chromium and used as a person would: run scenarios/default.yaml with the Run
 * button, then compare every file the page offers with the command line's bytes, then make an
 * invalid edit in the editor and find the command line's error text on the page. The run time
 * (click to charts drawn) and the page's size are printed; a screenshot goes to
 * artifacts/browser/ (git-ignored). Without Chromium the test is skipped with a note, except
 * under CI, where it fails.
 */
const root = join(__dirname, '..', '..');
const page = join(root, 'dist', 'web', 'index.html');
const haveChromium = existsSync(CHROMIUM);
const ci = process.env.CI === 'true' || process.env.CI === '1';
const MAX_RUN_MS = 2000;
const MAX_PAGE_BYTES = 3 * 1024 * 1024;

jest.setTimeout(60_000);

if (!haveChromium && !ci) {
  test.skip(`the browser page in Chromium: skipped, no ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`, () => undefined);
} else {
  describe('the browser page', () => {
    let browser: Browser;

    beforeAll(async () => {
      if (!haveChromium) throw new Error(`no Chromium at ${CHROMIUM}: under CI the browser test must run (.ci/run installs it)`);
      execFileSync(process.execPath, [join(root, 'scripts', 'build-web.js')], { cwd: root, stdio: 'inherit' });
      browser = new Browser();
      await browser.open(`file://${page}`);
      await browser.waitFor('document.body.dataset.state === "idle"');
    });

    afterAll(async () => {
      await browser?.close();
    });

    test('is one file under 3 MB that fetches nothing', () => {
      const bytes = statSync(page).size;
      console.log(`dist/web/index.html: ${(bytes / 1024 / 1024).toFixed(2)} MiB`);
      expect(bytes).toBeLessThan(MAX_PAGE_BYTES);
      const html = readFileSync(page, 'utf8');
      expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import/i);
    });

    test('runs default.yaml in under 2 s with the command line\'s bytes in every file', async () => {
      expect(await browser.eval<string>('document.getElementById("scenario").value')).toBe('default.yaml');
      await browser.click('#run');
      await browser.waitFor('document.body.dataset.state !== "idle" && document.body.dataset.state !== "running"', 20_000);
      expect(await browser.eval<string>('document.body.dataset.state + ": " + document.getElementById("status").textContent + "\\n" + document.getElementById("errors").textContent')).toMatch(/^done: default: ran in/);
      const ms = Number(await browser.eval<string>('document.getElementById("status").dataset.ms'));
      console.log(`default.yaml in the page: ${ms} ms from Run to the charts drawn (headless Chromium)`);
      expect(ms).toBeLessThan(MAX_RUN_MS);

      const out = tempDir();
      const run = await cli('run', join(root, 'scenarios', 'default.yaml'), '--no-report', '--out', out, '--quiet', '--jobs', '1');
      expect(run.code).toBe(0);
      const files = await browser.eval<{ name: string; text: string }[]>(`Promise.all([...document.querySelectorAll('a[data-file]')]
        .map(async (a) => ({ name: a.dataset.file, text: await (await fetch(a.href)).text() })))`);
      expect(files.map((f) => f.name)).toEqual(['timeseries.csv', 'ports.csv', 'pools.csv', 'episodes.csv', 'summary.csv', 'compare.csv']);
      for (const f of files) expect({ name: f.name, same: f.text === readFileSync(join(out, f.name), 'utf8') }).toEqual({ name: f.name, same: true });

      // The charts drew: one panel per profile with its data marks, and the overlay.
      const marks = await browser.eval<number[]>('[...document.querySelectorAll(".chart")].map((c) => c.querySelectorAll("g.role-mark path, g.role-mark line").length)');
      expect(marks).toHaveLength(2);
      for (const n of marks) expect(n).toBeGreaterThan(0);
      // The summary table shows the total rows, one per profile.
      const rows = await browser.eval<string[]>('[...document.querySelectorAll("#results table")[0].querySelectorAll("tbody tr")].map((r) => r.cells[0].textContent)');
      expect(rows).toEqual(['linux', 'windows']);

      const shot = await browser.screenshot();
      const dir = join(root, 'artifacts', 'browser');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'default.png'), shot);
      expect(decodePng(shot).width).toBeGreaterThan(1000);
    });

    test('an invalid edit shows the command line\'s error text', async () => {
      // At the end of the document, a misspelt field, typed as a person would.
      await browser.click('.cm-content');
      await browser.key('End', 'End', 35, 2); // Ctrl+End
      await browser.type('\nseeed: 2\n');
      await browser.waitFor('document.getElementById("errors").textContent !== ""', 5000);
      const shown = await browser.eval<string>('document.getElementById("errors").textContent');
      // The editor marks the line too.
      expect(await browser.eval<number>('document.querySelectorAll(".cm-lintRange-error").length')).toBeGreaterThan(0);

      const file = join(tempDir(), 'default.yaml');
      writeFileSync(file, `${readFileSync(join(root, 'scenarios', 'default.yaml'), 'utf8')}seeed: 2\n`);
      const validate = await cli('validate', file);
      expect(validate.code).toBe(2);
      const expected = validate.err.trimEnd().split(file).join('default.yaml');
      expect(expected).toMatch(/^default\.yaml:\d+:1: seeed: /);
      expect(shown).toBe(expected);

      // Run refuses it with the same text, and nothing runs.
      await browser.click('#run');
      await browser.waitFor('document.body.dataset.state === "invalid"');
      expect(await browser.eval<string>('document.getElementById("errors").textContent')).toBe(expected);
    });
  });
}
