import { GATEWAY_PRESETS } from '../nat/presets';
import { PRESET_NAMES } from '../os/presets';
import { hostFleetFields, MAX_INSTANCES } from '../scenario/schema-gateways';

/**
 * The quick form: the common question (which OS, how many new connections a second, how long
 * each stays open, who closes first, how many source IPs; optionally a cloud NAT gateway in front,
 * its public IPs and the instances behind it) written as a scenario into the editor, for the user
 * to see, edit and run. The form checks nothing itself: the editor checks the text
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
  /** A gateway preset (../nat/presets.ts), or '' for none; the three fields below only with one. */
  gateway: string;
  gatewayIps: string;
  instances: string;
  ratePer: string;
}

/** The gateway's lines and the host's lines that send it through (scenarios/README.md, gateways). */
function gatewayLines(a: QuickAnswers): { gateways: string[]; host: string[] } {
  if (a.gateway === '') return { gateways: [], host: [] };
  return {
    gateways: ['gateways:', '  - name: gateway', `    preset: ${scalar(a.gateway)}`, `    ips: ${scalar(a.gatewayIps)}`],
    host: ['    via: gateway', `    instances: ${scalar(a.instances)}`, `    ratePer: ${scalar(a.ratePer)}`],
  };
}

/** A YAML scalar: plain when it is a simple word or number, else a quoted string. */
const scalar = (s: string) => (/^[\w.:/-]+$/.test(s.trim()) ? s.trim() : JSON.stringify(s));

export function quickScenario(a: QuickAnswers): string {
  const g = gatewayLines(a);
  const through = a.gateway === '' ? '' : ` from ${a.instances} instance(s) (rate per ${a.ratePer}) through ${a.gateway} with ${a.gatewayIps} public IP(s)`;
  const who = a.closedBy === 'client' ? 'the client closes first (it keeps TIME_WAIT)' : `closedBy: ${a.closedBy}`;
  return [
    '# Written by the quick form: edit it freely, then Run.',
    `# ${a.rate} new connections${through} to one backend, each open about ${a.mean}; ${who}.`,
    'name: quick',
    `description: ${JSON.stringify(`${a.preset}${a.versus !== '' ? ` vs ${a.versus}` : ''}, ${a.rate} new connections to one backend${a.gateway !== '' ? ` through ${a.gateway}` : ''}`)}`,
    'seed: 1',
    `duration: ${scalar(a.duration)}`,
    'sample: 1s',
    ...g.gateways,
    'hosts:',
    '  - name: client',
    `    profile: ${scalar(a.preset)}`,
    `    sourceIps: ${scalar(a.sourceIps)}`,
    ...g.host,
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
/** hosts[].ratePer's values, from the schema: each instance's rate, or the fleet's split evenly. */
const RATE_PER = hostFleetFields.ratePer.unwrap().options;

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
  const select = (id: string, options: readonly string[], value: string, label = (o: string) => o) => {
    const s = document.createElement('select');
    s.id = id;
    for (const o of options) s.append(new Option(o === '' ? '(none)' : label(o), o));
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
    gateway: field('through a gateway', select('q-gateway', ['', ...Object.keys(GATEWAY_PRESETS)], '',
      (o) => `${o}: ${GATEWAY_PRESETS[o as keyof typeof GATEWAY_PRESETS].title}`)),
    gatewayIps: field('its public IPs', text('q-gateway-ips', '1', 'the gateway\'s public (NAT / frontend) IPs (1 – 1024)')),
    instances: field('instances behind it', text('q-instances', '1', `identical VMs behind the gateway, each with its own OS pools (1 – ${MAX_INSTANCES})`)),
    ratePer: field('rate is per', select('q-rate-per', RATE_PER, 'instance')),
  };
  const gatewayOnly = [inputs.gatewayIps, inputs.instances, inputs.ratePer];
  const sync = () => gatewayOnly.forEach((i) => { i.disabled = inputs.gateway.value === ''; });
  inputs.gateway.addEventListener('change', sync);
  sync();
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
