import type { Plan } from '../sim/plan';
import type { Issue } from './issues';
import { normalize } from './normalize';
import { checkRules } from './rules';
import { type ScenarioInput, scenarioSchema } from './schema';
import { fromZodIssues } from './zod-issues';

export type Validation =
  | { ok: true; plan: Plan; input: ScenarioInput }
  | { ok: false; issues: Issue[] };

/**
 * A parsed scenario document → a plan, or every issue found. Pure: shape (schema), then
 * cross-field rules, then normalization with defaults.
 */
export function validateScenario(doc: unknown): Validation {
  // parse (…and check shape)
  const parsed = scenarioSchema.safeParse(doc);
  if (!parsed.success) return { ok: false, issues: fromZodIssues(parsed.error.issues, scenarioSchema, doc) };
  // check cross-field rules
  const issues = checkRules(parsed.data);
  if (issues.length > 0) return { ok: false, issues };
  // normalize
  return { ok: true, plan: normalize(parsed.data), input: parsed.data };
}
