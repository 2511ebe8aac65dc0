import { GATEWAY_PRESETS, type GatewayParamName, type GatewayPreset, gatewayParamText, isGatewayPreset, presetParams } from '../../nat/presets';
import { formatTable } from '../../report/table';

/**
 * `portsim profiles` for the NAT layer: the gateway presets (../../nat/presets.ts) with their
 * numbers, their sources and what they assume (UNDOC in cloud-nat.md), as the OS presets are
 * listed beside them.
 */

const fold = (t: string) => t.toLowerCase();

/** The gateway presets whose name, title or source mentions every word of `search`. */
export function searchGateways(search?: string): GatewayPreset[] {
  const all = Object.values(GATEWAY_PRESETS);
  if (search === undefined) return all;
  const words = search.split(/\s+/).filter((w) => w !== '').map(fold);
  return all.filter((g) => words.every((w) => fold(`${g.name} ${g.title} ${g.source}`).includes(w)));
}

export const paramText = (p: GatewayParamName, v: number): string => gatewayParamText(p, v);

const param = (g: GatewayPreset, p: GatewayParamName): string => {
  const x = g.params[p];
  return x === undefined ? '-' : `${paramText(p, x.value)}${x.assumption !== undefined ? '*' : ''}`;
};

/** The gateway presets as a table (a value marked * is an assumption: no source documents it). */
export function gatewayTable(found: readonly GatewayPreset[]): string {
  const header = ['gateway preset', 'keying', 'ports', 'per destination', 'max IPs', 'FIN hold', 'RST hold', 'source'];
  const rows = found.map((g) => [
    g.name, g.keying, g.params.allocatedOutboundPorts !== undefined ? 'table or rule' : g.params.minPortsPerVm !== undefined ? `${g.params.minPortsPerVm.value}/VM` : param(g, 'portsPerIp'),
    param(g, 'perDestinationCap'), param(g, 'maxIps'), param(g, 'finHold'), param(g, 'rstHold'), g.source,
  ]);
  return [formatTable(header, rows, [false, false, true, true, true, true, true]), '* an assumption: no source documents it ("portsim profiles show <gateway preset>" says why this value)'].join('\n');
}

export function gatewaysJson(found: readonly GatewayPreset[]): unknown[] {
  return found.map((g) => ({
    ...g,
    params: Object.fromEntries(presetParams(g.name).map((p) => [p, { ...g.params[p], text: paramText(p, g.params[p]!.value) }])),
  }));
}

/** `portsim profiles show <gateway preset>`: every parameter with its value, source and assumption; undefined for another name. */
export function showGateway(name: string, opts: { json?: boolean; width?: number } = {}): string | undefined {
  if (!isGatewayPreset(name)) return undefined;
  const g = GATEWAY_PRESETS[name];
  if (opts.json === true) return JSON.stringify(gatewaysJson([g])[0], null, 2);
  const rows = presetParams(name).map((p) => {
    const x = g.params[p]!;
    return [p, paramText(p, x.value), x.assumption !== undefined ? `ASSUMPTION: ${x.assumption}. ${x.source}` : x.source];
  });
  return [
    `gateway  ${g.name}: ${g.title}`,
    `keying   ${g.keying}`,
    `source   ${g.source}`,
    '',
    formatTable(['parameter', 'value', 'source'], rows),
    '',
    'assumed behaviour (no source documents it):',
    ...g.assumptions.map((a) => `  - ${a}`),
    '',
    'UDP through it (stated in a run only when a UDP workload goes through the gateway):',
    ...g.udp.map((a) => `  - ${a}`),
  ].join('\n');
}
