import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fieldsAt, type JsonSchema, pathAbove, valuesAt } from '../../src/web/schema-completion';

/** The editor's completion (src/web/schema-completion.ts) against the committed JSON Schema. */
const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'scenarios', 'scenario.schema.json'), 'utf8')) as JsonSchema;
const doc = readFileSync(join(__dirname, '..', '..', 'scenarios', 'default.yaml'), 'utf8').split('\n');
const lineOf = (text: string) => doc.findIndex((l) => l.includes(text)) + 1;

test('the path of the mapping a line is in, from the indentation above it', () => {
  expect(pathAbove(doc, lineOf('seed: 1'), 0)).toEqual([]);
  expect(pathAbove(doc, lineOf('profile: linux'), 4)).toEqual(['hosts', '-']);
  expect(pathAbove(doc, lineOf('closedBy: client'), 6)).toEqual(['workloads', '-', 'connection']);
  expect(pathAbove(doc, lineOf('host: gateway'), 4)).toEqual(['workloads', '-']);
  // A new list item's dash at indentation 2 under workloads: its list is workloads.
  expect(pathAbove([...doc.slice(0, lineOf('compare:') - 1), '  - '], lineOf('compare:'), 2)).toEqual(['workloads']);
});

test('fields and values offered where the schema allows them', () => {
  expect([...fieldsAt(schema, []).keys()]).toEqual(expect.arrayContaining(['name', 'seed', 'duration', 'hosts', 'workloads', 'compare']));
  expect([...fieldsAt(schema, ['hosts', '-']).keys()]).toEqual(expect.arrayContaining(['name', 'profile', 'sourceIps']));
  expect([...fieldsAt(schema, ['workloads', '-', 'connection']).keys()]).toEqual(expect.arrayContaining(['duration', 'closedBy']));
  expect(valuesAt(schema, ['workloads', '-', 'connection', 'closedBy'])).toEqual(expect.arrayContaining(['client', 'server', 'reset', 'unanswered']));
  expect(valuesAt(schema, ['hosts', '-', 'profile'])).toEqual(expect.arrayContaining(['linux', 'windows', 'macos']));
  expect(fieldsAt(schema, ['nosuch']).size).toBe(0);
});
