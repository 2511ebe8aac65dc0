export { loadScenario, parseScenario, formatIssues, ScenarioError } from './load';
export type { LoadOptions, LoadedScenario, LocatedIssue } from './load';
export { validateScenario } from './validate';
export type { Validation } from './validate';
export { resolveProfile, DEFAULTS } from './normalize';
export { parseDuration, parseRate, formatDuration } from './units';
export type { Issue } from './issues';
