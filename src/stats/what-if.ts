import type { HoldHint } from './analytic';
import type { Plan } from '../sim/plan';

/**
 * What-ifs for `portsim capacity`: the standard changes that buy port headroom, each a pure
 * transformation of a plan (the input is never modified) for one variant (profile set), so the
 * capacity search can run on the changed plan exactly as on the original.
 *
 * `applies` says whether the change makes sense for the variant's profiles: `true`, or the reason
 * it is not offered. A what-if without `apply` is one portsim does not model yet: it is listed
 * (with `applies` saying whether it would be relevant) but not searched.
 */
export interface WhatIf {
  id: string;
  title: string;
  /** `true`, or why the change does not apply to this variant. */
  applies(plan: Plan, variant: number): true | string;
  /** The plan with the change made (only called when `applies` is true). Absent: not modelled yet. */
  apply?(plan: Plan, variant: number): Plan;
  /** What the change is for this variant, concretely (the setting and its value). */
  detail(plan: Plan, variant: number): string;
  /** Why portsim cannot evaluate it yet (what-ifs without `apply`). */
  notModelled?: string;
  /**
   * Analytic hint: the mean port hold per attempt in the changed plan where the one-connection-
   * per-attempt figure is wrong (./analytic.ts), so that the search starts from, and is bounded
   * by, the changed scenario's own estimate.
   */
  hold?: HoldHint;
  /** A change to the NAT layer (./nat-what-ifs.ts): listed by default only for a scenario with gateways. */
  nat?: boolean;
}
