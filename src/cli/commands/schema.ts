import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseFieldTables, scenarioJsonSchema } from '../../scenario/json-schema';
import { ExitError } from '../io';

/**
 * `portsim schema`: the JSON Schema of scenario files, generated from the zod schema with the
 * field descriptions of scenarios/README.md (shipped in the package beside dist/), the same
 * text as the committed scenarios/scenario.schema.json.
 */
export function schemaText(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'scenarios', 'README.md'))) {
    if (dirname(dir) === dir) throw new ExitError(`cannot find scenarios/README.md above ${from}: the field descriptions come from it`, 1);
    dir = dirname(dir);
  }
  const docs = parseFieldTables(readFileSync(join(dir, 'scenarios', 'README.md'), 'utf8'));
  return `${JSON.stringify(scenarioJsonSchema(docs), null, 2)}\n`;
}
