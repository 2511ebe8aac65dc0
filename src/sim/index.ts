export type { PoolInfo } from './pool-layout';
export type { Plan, PlanHost, PlanDestination, PlanWorkload, PlanVariant } from './plan';
export { FAIL_TIME_WAIT, FAIL_ESTABLISHED, FAILURE_REASONS } from './recorder';
export type { Recorder } from './recorder';
