import scenarios from 'portsim:scenarios';
import workerSource from 'portsim:worker';
import schema from '../../scenarios/scenario.schema.json';
import { type Check, checkScenario } from './check';
import { createEditor } from './editor';
import type { FromWorker, ToWorker } from './messages';
import { createQuickForm } from './forms';
import { keepResults, showCapacity, showResults } from './results';
import type { JsonSchema } from './schema-completion';
import { decodeShare, encodeShare } from './share';

/**
 * The page: the shipped scenarios as a menu, the YAML editor, Run and Stop, a progress bar, and
 * the results. The simulation runs in a Web Worker started from a blob: URL (its script is
 * inlined in the page), so the page stays responsive and works opened from disk. The state of a
 * run is on <body data-state>: idle, running, done, stopped, invalid or failed.
 */
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const menu = $<HTMLSelectElement>('scenario');
const runButton = $<HTMLButtonElement>('run');
const capacityButton = $<HTMLButtonElement>('capacity');
const stopButton = $<HTMLButtonElement>('stop');
const progress = $<HTMLProgressElement>('progress');
const status = $('status');
const errors = $('errors');
const results = $('results');
const keepButton = $<HTMLButtonElement>('keep');
const sides = $('sides');
const kept = $('kept');

const DEFAULT = 'default.yaml';
const names = Object.keys(scenarios).sort((a, b) => (a === DEFAULT ? -1 : b === DEFAULT ? 1 : a < b ? -1 : a > b ? 1 : 0));
let file = DEFAULT;

function setState(state: 'idle' | 'running' | 'done' | 'stopped' | 'invalid' | 'failed', text: string): void {
  document.body.dataset.state = state;
  status.textContent = text;
  runButton.disabled = state === 'running';
  capacityButton.disabled = state === 'running';
  stopButton.disabled = state !== 'running';
  keepButton.disabled = state !== 'done';
}

/** The editor's check, as the command line would print it (nothing when the scenario is valid). */
function showCheck(c: Check): void {
  errors.textContent = c.ok ? c.warnings.join('\n') : c.text;
  errors.className = c.ok ? (c.warnings.length > 0 ? 'warnings' : '') : 'errors';
}

const editor = createEditor($('editor'), {
  text: scenarios[DEFAULT] ?? '',
  file: () => file,
  schema: schema as unknown as JsonSchema,
  onCheck: showCheck,
  onChange: () => undefined,
});

for (const name of names) menu.append(new Option(name.replace(/\.yaml$/, ''), name));
menu.value = DEFAULT;
menu.addEventListener('change', () => {
  file = menu.value;
  editor.setText(scenarios[file] ?? '');
});

const workerUrl = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
/** Started with the page, so that a first Run does not wait for its script to load; Stop ends it. */
/** The quick form writes a scenario of its own, quick.yaml. */
const QUICK = 'quick.yaml';
createQuickForm($('forms'), (text) => {
  file = QUICK;
  if (![...menu.options].some((o) => o.value === QUICK)) menu.prepend(new Option('quick (from the form)', QUICK));
  menu.value = QUICK;
  editor.setText(text);
});

/** Compare side by side: the shown results kept beside the next run's. */
let lastTitle = '';
keepButton.addEventListener('click', () => {
  keepResults(results, kept, lastTitle, () => {
    kept.hidden = true;
    sides.classList.remove('two');
  });
  kept.hidden = false;
  sides.classList.add('two');
  keepButton.disabled = true;
});

let worker: Worker | undefined = new Worker(workerUrl);

function stop(): void {
  worker?.terminate();
  worker = undefined;
  progress.value = 0;
  setState('stopped', 'stopped');
}

/** Checks the scenario, then runs it (or its capacity search) in the worker and shows the results. */
async function run(kind: 'run' | 'capacity'): Promise<void> {
  const text = editor.text();
  const check = checkScenario(file, text);
  showCheck(check);
  if (!check.ok) {
    setState('invalid', 'the scenario has errors (below): nothing ran');
    return;
  }
  const started = performance.now();
  worker ??= new Worker(workerUrl);
  const mine = worker;
  setState('running', kind === 'capacity' ? 'capacity search…' : 'running…');
  progress.value = 0;
  // A capacity search has no known length: the bar moves to and fro, the status counts the probes.
  if (kind === 'capacity') progress.removeAttribute('value');
  mine.onmessage = async ({ data }: MessageEvent<FromWorker>) => {
    if (worker !== mine) return;
    if (data.kind === 'progress') {
      progress.value = data.done;
    } else if (data.kind === 'capacity-progress') {
      status.textContent = `capacity search: ${data.probes} probes done, ${data.runs} simulations…`;
    } else if (data.kind === 'capacity') {
      progress.value = 1;
      await showCapacity(results, data.result);
      const ms = performance.now() - started;
      status.dataset.ms = ms.toFixed(0);
      lastTitle = `capacity of ${data.result.name} (${file}), seed ${data.result.seed}`;
      setState('done', `${data.result.name}: capacity searched in ${(ms / 1000).toFixed(2)} s (${data.result.probes} probes, ${data.result.runs} simulations, ${data.result.events.toLocaleString('en-US')} events), seed ${data.result.seed}`);
    } else if (data.kind === 'error') {
      progress.value = 0;
      errors.textContent = data.message;
      errors.className = 'errors';
      setState(data.scenario ? 'invalid' : 'failed', data.scenario ? 'the scenario has errors (below)' : 'the run failed (below)');
    } else {
      progress.value = 1;
      await showResults(results, data.result);
      const ms = performance.now() - started;
      status.dataset.ms = ms.toFixed(0);
      lastTitle = `${data.result.name} (${file}), seed ${data.result.seed}`;
      setState('done', `${data.result.name}: ran in ${(ms / 1000).toFixed(2)} s (simulation ${(data.ms / 1000).toFixed(2)} s, ${data.result.events.toLocaleString('en-US')} events), seed ${data.result.seed}`);
    }
  };
  mine.onerror = (e) => {
    errors.textContent = `portsim failed: ${e.message}`;
    setState('failed', 'the run failed (below)');
  };
  mine.postMessage({ kind, file, text } satisfies ToWorker);
  // The address keeps the scenario run last: a link to it reproduces the run (./share.ts).
  history.replaceState(null, '', `#${await encodeShare(file, text)}`);
}

function start(kind: 'run' | 'capacity'): void {
  run(kind).catch((e: unknown) => {
    errors.textContent = `portsim failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`;
    errors.className = 'errors';
    setState('failed', 'the run failed (below)');
  });
}
runButton.addEventListener('click', () => start('run'));
capacityButton.addEventListener('click', () => start('capacity'));
stopButton.addEventListener('click', stop);

/** A shared link (#f=…&s=…) opens its scenario. */
async function openShared(): Promise<void> {
  const shared = await decodeShare(location.hash.slice(1)).catch(() => undefined);
  if (shared === undefined) return;
  file = shared.file;
  if (![...menu.options].some((o) => o.value === file)) menu.prepend(new Option(file.replace(/\.yaml$/, ''), file));
  menu.value = file;
  editor.setText(shared.text);
}

setState('idle', 'ready');
void openShared();
