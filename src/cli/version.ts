import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** portsim's version, from the package.json above this file (src/ or dist/src/). */
export function version(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) return (JSON.parse(readFileSync(p, 'utf8')) as { version: string }).version;
    dir = dirname(dir);
  }
  return 'unknown';
}
