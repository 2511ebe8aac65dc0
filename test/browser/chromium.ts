import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/**
 * Debian's headless Chromium driven over the DevTools protocol on a pipe
 * (--remote-debugging-pipe: JSON messages ended by a NUL byte, written to its fd 3 and read from
 * its fd 4), so the tests can click, type and read a page as a user would, with no driver
 * library and no network port.
 */
export const CHROMIUM = process.env.PORTSIM_CHROMIUM ?? '/usr/bin/chromium';

interface Reply {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

export class Browser {
  private readonly proc: ChildProcess;
  private readonly profile: string;
  private readonly pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private buffer = '';
  private stderr = '';
  private session = '';

  constructor(width = 1400, height = 1000) {
    this.profile = mkdtempSync(join(tmpdir(), 'portsim-chromium-'));
    this.proc = spawn(CHROMIUM, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--remote-debugging-pipe',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars',
      '--force-device-scale-factor=1', `--window-size=${width},${height}`, `--user-data-dir=${this.profile}`, 'about:blank',
    ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-4000); });
    const input = this.proc.stdio[4] as Readable;
    input.on('data', (d: Buffer) => this.receive(d.toString('utf8')));
    this.proc.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error(`Chromium exited; its last output:\n${this.stderr}`));
      this.pending.clear();
    });
  }

  private receive(text: string): void {
    this.buffer += text;
    for (let end = this.buffer.indexOf('\0'); end >= 0; end = this.buffer.indexOf('\0')) {
      const msg = JSON.parse(this.buffer.slice(0, end)) as Reply;
      this.buffer = this.buffer.slice(end + 1);
      if (msg.id === undefined) continue;
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error !== undefined) p?.reject(new Error(msg.error.message));
      else p?.resolve(msg.result ?? {});
    }
  }

  /** Sends a DevTools command (to the page once `open` has attached to one). */
  send(method: string, params: Record<string, unknown> = {}, toBrowser = false): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const out = this.proc.stdio[3] as Writable;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      out.write(`${JSON.stringify({ id, method, params, ...(toBrowser || this.session === '' ? {} : { sessionId: this.session }) })}\0`);
    });
  }

  /** Opens `url` in a new tab and waits for its load event. */
  async open(url: string): Promise<void> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' }, true);
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true }, true);
    this.session = sessionId as string;
    await this.send('Page.enable');
    await this.send('Runtime.enable');
    await this.send('Page.navigate', { url });
    await this.waitFor('document.readyState === "complete"');
  }

  /** Evaluates an expression in the page (promises awaited) and returns its value. */
  async eval<T>(expression: string): Promise<T> {
    const r = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails !== undefined) throw new Error(`in the page: ${JSON.stringify(r.exceptionDetails).slice(0, 1000)}`);
    return (r.result as { value: T }).value;
  }

  /** Waits until `expression` is truthy in the page (polling every 20 ms). */
  async waitFor(expression: string, timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!(await this.eval<boolean>(`Boolean(${expression})`))) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${expression}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Types text at the focus, as a keyboard would insert it. */
  async type(text: string): Promise<void> {
    await this.send('Input.insertText', { text });
  }

  async key(key: string, code: string, keyCode: number, modifiers = 0): Promise<void> {
    for (const type of ['rawKeyDown', 'keyUp']) await this.send('Input.dispatchKeyEvent', { type, key, code, windowsVirtualKeyCode: keyCode, modifiers });
  }

  async click(selector: string): Promise<void> {
    const box = await this.eval<{ x: number; y: number } | null>(`(() => { const e = document.querySelector(${JSON.stringify(selector)}); if (!e) return null; e.scrollIntoView({ block: "center" }); const r = e.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + Math.min(r.height / 2, 12) }; })()`);
    if (box === null) throw new Error(`no ${selector} in the page`);
    for (const type of ['mousePressed', 'mouseReleased']) await this.send('Input.dispatchMouseEvent', { type, x: box.x, y: box.y, button: 'left', clickCount: 1 });
  }

  /** A PNG of the whole page (or of the window only). */
  async screenshot(whole = true): Promise<Buffer> {
    const { data } = await this.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: whole });
    return Buffer.from(data as string, 'base64');
  }

  async close(): Promise<void> {
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill();
    await exited;
    // Chromium's helper processes can still be writing into the profile for a moment after the
    // browser process exits (a CI run failed with ENOTEMPTY here): Node retries such errors
    rmSync(this.profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}
