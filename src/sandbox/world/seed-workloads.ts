import type { SandboxAccount, World } from './types.js';
import type { MemberSpec } from './build-org.js';

/**
 * Gives a member account its workloads. Only a small seed is stored (stage, date, regions): Lambda, RDS,
 * ECS, EKS, DynamoDB and Config resources follow from it on demand (see workloads.ts), which keeps
 * `generated:5000` small and draws nothing from the world's id counter, so every other id stays as it was.
 * The regions are those the account's EC2 network was seeded in, so every workload has a VPC to sit in.
 */
export function seedWorkloads(_world: World, account: SandboxAccount, spec: MemberSpec, now: number): void {
  account.workloads = {
    stage: spec.stage,
    seededAt: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    regions: Object.keys(account.instances),
  };
}
