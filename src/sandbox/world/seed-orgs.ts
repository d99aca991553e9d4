import type { World } from './types.js';
import { createWorld, seedManagement, seedMember, type MemberSpec } from './build-org.js';
import { seedIdentityCenter } from './seed-identity-center.js';

/** The demo organization: the seeds' dev / staging / prod accounts plus a consultant's client. */
export const DEMO_MEMBERS: readonly MemberSpec[] = [
  {
    id: '222222222222',
    name: 'development',
    stage: 'dev',
    color: 'green',
    ou: '/Workloads',
    tags: { team: 'platform', 'cost-center': 'cc-100' },
  },
  {
    id: '333333333333',
    name: 'staging',
    stage: 'staging',
    color: 'yellow',
    ou: '/Workloads',
    tags: { team: 'platform', 'cost-center': 'cc-100' },
  },
  {
    id: '444444444444',
    name: 'production',
    stage: 'prod',
    color: 'red',
    ou: '/Workloads',
    optedInRegions: ['eu-south-1'],
    unsafeRoles: true,
    tags: { team: 'payments', 'cost-center': 'cc-200' },
  },
  {
    id: '555555555555',
    name: 'client-acme',
    stage: 'client',
    color: 'blue',
    ou: '/Clients',
    externalId: 'acme-crossbar-7f3a9c',
    tags: { client: 'acme', 'cost-center': 'cc-900' },
  },
];

export const DEMO_EXTERNAL_ID = 'acme-crossbar-7f3a9c';
export const MAX_GENERATED_ACCOUNTS = 5000;

const STAGES = [
  { stage: 'dev', color: 'green' },
  { stage: 'staging', color: 'yellow' },
  { stage: 'prod', color: 'red' },
] as const;

/** N member accounts of the demo's shape: ids 200000000001…, stages cycling, OUs by stage. */
export function generatedMembers(count: number): MemberSpec[] {
  const members: MemberSpec[] = [];
  for (let i = 1; i <= count; i += 1) {
    const s = STAGES[(i - 1) % STAGES.length] ?? STAGES[0];
    members.push({
      id: String(200_000_000_000 + i),
      name: `account-${String(i).padStart(4, '0')}`,
      stage: s.stage,
      color: s.color,
      ou: `/Workloads/${s.stage}`,
      tags: { team: `team-${(i % 12) + 1}`, 'cost-center': `cc-${100 + (i % 7) * 100}` },
    });
  }
  return members;
}

export type OrgSpec = { kind: 'demo' } | { kind: 'generated'; count: number };

export function parseOrgSpec(text: string): OrgSpec | undefined {
  if (text === 'demo') return { kind: 'demo' };
  const m = /^generated:(\d+)$/.exec(text);
  if (!m?.[1]) return undefined;
  const count = Number(m[1]);
  if (count < 1 || count > MAX_GENERATED_ACCOUNTS) return undefined;
  return { kind: 'generated', count };
}

/**
 * The organization of a spec. Its names, ids and bill come from `seed` (the same every time); its keys and
 * secrets from `secretSeed`: random unless given (`crossbar sandbox start --seed`), so two sandboxes share keys
 * only when asked to.
 */
export function buildWorld(spec: OrgSpec, now: number, seed = 20261123, secretSeed?: string): World {
  const world = secretSeed === undefined ? createWorld(seed, now) : createWorld(seed, now, `fixed:${secretSeed}`);
  const members = spec.kind === 'demo' ? [...DEMO_MEMBERS] : generatedMembers(spec.count);
  seedManagement(world, spec.kind === 'demo' ? members : [], now);
  for (const member of members) seedMember(world, member, now);
  seedIdentityCenter(world, now);
  return world;
}
