import { PRESET_NAMES } from '../os/presets';

/**
 * The quick form: the common question (which OS, how many new connections a second, how long
 * each stays open, who closes first, how many source IPs) written as a scenario into the editor,
 * for the user to see, edit and run. The form checks nothing itself: the editor checks the text
 * it writes as the command line would (a rate of "200 per s" gets the command line's message).
 */
export interface QuickAnswers {
  preset: string;
  /** A second preset to compare with, or '' for none. */
  versus: string;
  rate: string;
  mean: string;
  closedBy: string;
  sourceIps: string;
  duration: string;
}

/** A YAML scalar: plain when it is a simple word or number, else a quoted string. */
const scalar = (s: string) => (/^[\w.:/-]+$/.test(s.trim()) ? s.trim() : JSON.stringify(s));

export function quickScenario(a: QuickAnswers): string {
  const who = a.closedBy === 'client' ? 'the client closes first (it keeps TIME_WAIT)' : `closedBy: ${a.closedBy}`;
  return [
    '# Written by the quick form: edit it freely, then Run.',
    `# ${a.rate} new connections to one backend, each open about ${a.mean}; ${who}.`,
    'name: quick',
    `description: ${JSON.stringify(`${a.preset}${a.versus !== '' ? ` vs ${a.versus}` : ''}, ${a.rate} new connections to one backend`)}`,
    'seed: 1',
    `duration: ${scalar(a.duration)}`,
    'sample: 1s',
    'hosts:',
    '  - name: client',
    `    profile: ${scalar(a.preset)}`,
    `    sourceIps: ${scalar(a.sourceIps)}`,
    'destinations:',
    '  - { name: backend, address: 10.0.0.10:8080 }',
    'workloads:',
    '  - name: requests',
    '    host: client',
    `    arrivals: { type: poisson, rate: ${scalar(a.rate)} }`,
    '    connection:',
    `      duration: { dist: exponential, mean: ${scalar(a.mean)} }`,
    `      closedBy: ${scalar(a.closedBy)}`,
    ...(a.versus !== '' ? [`compare: [${scalar(a.preset)}, ${scalar(a.versus)}]`] : []),
    '',
  ].join('\n');
}

const CLOSERS = ['client', 'server', 'reset', 'unanswered'];

/** Builds the form in `parent`; `write` is given the scenario text when the user asks for it. */
export function createQuickForm(parent: HTMLElement, write: (text: string) => void): void {
  const details = document.createElement('details');
  details.innerHTML = '<summary>Quick question: write a scenario from a few answers</summary>';
  const form = document.createElement('form');
  form.className = 'quick';
  const field = (label: string, input: HTMLInputElement | HTMLSelectElement) => {
    const l = document.createElement('label');
    l.textContent = label;
    l.htmlFor = input.id;
    form.append(l, input);
    return input;
  };
  const select = (id: string, options: readonly string[], value: string) => {
    const s = document.createElement('select');
    s.id = id;
    for (const o of options) s.append(new Option(o === '' ? '(none)' : o, o));
    s.value = value;
    return s;
  };
  const text = (id: string, value: string, title: string) => Object.assign(document.createElement('input'), { id, value, title, size: 10 });
  const inputs = {
    preset: field('OS preset', select('q-preset', PRESET_NAMES, 'linux')),
    versus: field('compare with', select('q-versus', ['', ...PRESET_NAMES], 'windows')),
    rate: field('new connections', text('q-rate', '200/s', 'a rate: 460/s, 1200/m')),
    mean: field('each open about', text('q-mean', '100ms', 'the mean of an exponential duration: 250ms, 2s')),
    closedBy: field('who closes first', select('q-closed', CLOSERS, 'client')),
    sourceIps: field('source IPs', text('q-ips', '1', 'how many source addresses (1 – 1024)')),
    duration: field('simulate for', text('q-duration', '15m', 'a duration: 60s, 15m, 1h')),
  };
  const button = document.createElement('button');
  button.type = 'submit';
  button.id = 'q-write';
  button.textContent = 'Write the scenario';
  form.append(document.createElement('span'), button);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const answers = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.value])) as unknown as QuickAnswers;
    write(quickScenario(answers));
  });
  details.append(form);
  parent.append(details);
}
