import { secondsFromTicks } from '../../engine/time';
import { ALLOCATORS } from '../../os/allocators';
import { PRESETS } from '../../os/presets';
import { usablePorts } from '../../os/profile';
import { formatTable } from '../../report/table';

/** `portsim profiles`: every preset with its numbers and where they come from. */
export function profilesTable(): string {
  const header = ['preset', 'range', 'ports', 'TIME_WAIT', 'sharing', 'allocator', 'source'];
  const rows = Object.values(PRESETS).map((p) => [
    p.preset, `${p.portRange[0]}-${p.portRange[1]}`, String(usablePorts(p)), `${secondsFromTicks(p.timeWait)}s`,
    p.sharing, p.allocator, p.source,
  ]);
  const allocators = Object.values(ALLOCATORS).map((a) => `  ${a.name}: ${a.description}`);
  return [formatTable(header, rows, [false, false, true, true]), '', 'allocators:', ...allocators].join('\n');
}

export function profilesJson(): string {
  return JSON.stringify(
    Object.values(PRESETS).map((p) => ({ ...p, ports: usablePorts(p), timeWait: `${secondsFromTicks(p.timeWait)}s` })),
    null,
    2,
  );
}
