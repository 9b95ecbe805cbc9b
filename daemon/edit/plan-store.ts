/**
 * Plans made by `tandem/edit/plan`, kept for `tandem/edit/propose`: per session, for
 * `PLAN_TTL_MS`, at most `MAX_PLANS` (the oldest go first). A plan belongs to the
 * connection that made it; another session, or an expired plan, finds nothing.
 */
import { randomUUID } from 'node:crypto';
import type { ValidStep } from './plan';

/** Plans are kept this long for `tandem/edit/propose`. */
export const PLAN_TTL_MS = 30 * 60 * 1000;
export const MAX_PLANS = 50;

export interface StoredPlan {
  id: string;
  sessionId: string;
  roots: string[];
  root: string;
  instruction: string;
  summary: string;
  steps: ValidStep[];
  /** Content hash of each existing file a step changes, as planned. */
  hashes: Map<string, string>;
  createdAt: number;
}

export class PlanStore {
  private readonly plans = new Map<string, StoredPlan>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Keep a new plan (expired ones and, beyond `MAX_PLANS`, the oldest are dropped first). */
  add(plan: Omit<StoredPlan, 'id' | 'createdAt'>): StoredPlan {
    this.prune();
    const stored: StoredPlan = { ...plan, id: randomUUID(), createdAt: this.now() };
    this.plans.set(stored.id, stored);
    return stored;
  }

  /** The plan `planId` of session `sessionId`, unless it expired. */
  get(planId: string, sessionId: string): StoredPlan | undefined {
    const plan = this.plans.get(planId);
    if (!plan || plan.sessionId !== sessionId || this.expired(plan)) return undefined;
    return plan;
  }

  get size(): number {
    return this.plans.size;
  }

  clear(): void {
    this.plans.clear();
  }

  private expired(plan: StoredPlan): boolean {
    return this.now() - plan.createdAt > PLAN_TTL_MS;
  }

  private prune(): void {
    for (const [id, plan] of this.plans) if (this.expired(plan)) this.plans.delete(id);
    while (this.plans.size >= MAX_PLANS) this.plans.delete(this.plans.keys().next().value!);
  }
}
