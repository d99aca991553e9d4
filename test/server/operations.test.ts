import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRun, RunRequestSchema } from '../../src/core/team/index.js';
import { setupOwner, startTeamWorld, type ApiClient, type TeamWorld } from '../helpers/team-server.js';

/**
 * GET /api/operations (issue 11 item 5): the web UI's operation picker offers what a run through the server
 * accepts — the read operations of the service models, with their parameters — and nothing it would refuse.
 */
interface Entry {
  service: string;
  operation: string;
  global: boolean;
  paginated: boolean;
  why: string;
  parameters: { name: string; type: string; required: boolean }[];
}
interface Answer {
  operations: Entry[];
  total: number;
  truncated: boolean;
}

describe('GET /api/operations', () => {
  let world: TeamWorld;
  let alice: ApiClient;
  beforeAll(async () => {
    world = await startTeamWorld();
    alice = await setupOwner(world);
  }, 60_000);
  afterAll(() => world?.close());

  it('finds a read operation by any spelling, with its parameters from the model', async () => {
    const answer = await alice.get<Answer>('/api/operations?service=ec2&q=describe-instances');
    expect(answer.status).toBe(200);
    // The one named exactly comes first, before DescribeInstanceStatus and the like.
    expect(answer.body.operations[0]?.operation).toBe('DescribeInstances');
    const found = answer.body.operations.find((o) => o.operation === 'DescribeInstances');
    expect(found).toMatchObject({
      service: 'ec2',
      global: false,
      paginated: true,
      why: 'its name starts with Describe',
    });
    expect(found?.parameters).toEqual(
      expect.arrayContaining([
        { name: 'InstanceIds', type: 'list<string>', required: false },
        { name: 'Filters', type: 'list<structure>', required: false },
        { name: 'MaxResults', type: 'number', required: false },
      ]),
    );
    // Required parameters say so (S3 ListObjectsV2 needs a Bucket), and a global call is marked.
    const s3 = await alice.get<Answer>('/api/operations?service=s3api&q=ListObjectsV2');
    expect(s3.body.operations.map((o) => o.operation)).toEqual(['ListObjectsV2']);
    expect(s3.body.operations[0]?.parameters).toContainEqual({ name: 'Bucket', type: 'string', required: true });
    const iam = await alice.get<Answer>('/api/operations?q=iam list roles');
    expect(iam.body.operations.map((o) => `${o.service} ${o.operation}`)).toContain('iam ListRoles');
    expect(iam.body.operations.find((o) => o.operation === 'ListRoles')?.global).toBe(true);
    // One by name, for a page that knows which one it wants.
    const one = await alice.get<Answer>('/api/operations?service=ec2&operation=describe-instances');
    expect(one.status).toBe(200);
    expect(one.body.operations.map((o) => o.operation)).toEqual(['DescribeInstances']);
  });

  it('offers only what a run accepts: every operation listed plans, and writes are not listed', async () => {
    const all = await alice.get<Answer>('/api/operations?limit=1000');
    expect(all.status).toBe(200);
    expect(all.body.total).toBeGreaterThan(500);
    const names = new Set(all.body.operations.map((o) => `${o.service} ${o.operation}`));
    for (const write of ['iam CreateUser', 'ec2 RunInstances', 'ec2 TerminateInstances', 's3 PutObject'])
      expect(names.has(write)).toBe(false);
    for (const read of ['ec2 DescribeInstances', 'sts GetCallerIdentity', 'dynamodb Scan', 's3 HeadBucket'])
      expect(names.has(read)).toBe(true);
    // A sample of what is offered goes through the run planner the POST uses (no parameters: only those without
    // required ones), so the picker and the server cannot disagree.
    const sample = all.body.operations.filter((o) => o.parameters.every((p) => !p.required)).slice(0, 40);
    expect(sample.length).toBeGreaterThan(20);
    for (const o of sample) {
      const request = RunRequestSchema.parse({
        kind: 'run',
        selector: 'all',
        service: o.service,
        operation: o.operation,
      });
      await expect(planRun(request)).resolves.toMatchObject({ kind: 'run' });
    }
  });

  it('refuses a write asked for by name with the reason a run gives, and an unknown one with the nearest names', async () => {
    const write = await alice.get<{ error: { code: string; message: string; hint: string } }>(
      '/api/operations?service=iam&operation=CreateUser',
    );
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('FORBIDDEN');
    expect(write.body.error.message).toMatch(/^iam CreateUser may change things .*runs through the server only read/);
    const planned = await planRun(
      RunRequestSchema.parse({
        kind: 'run',
        selector: 'all',
        service: 'iam',
        operation: 'CreateUser',
        params: { UserName: 'mallory' },
      }),
    ).catch((err: Error) => err.message);
    expect(planned).toBe(write.body.error.message);
    const listed = await alice.get<Answer>('/api/operations?service=iam&q=CreateUser');
    expect(listed.body.operations).toEqual([]);

    const typo = await alice.get<{ error: { code: string; hint: string } }>(
      '/api/operations?service=ec2&operation=DescribeInstancez',
    );
    expect(typo.status).toBe(400);
    expect(typo.body.error.hint).toMatch(/DescribeInstances/);
    const service = await alice.get<{ error: { code: string } }>('/api/operations?service=ec3');
    expect(service.status).toBe(400);
    const limit = await alice.get<{ error: { code: string } }>('/api/operations?limit=0');
    expect(limit.status).toBe(400);
  });

  it('answers signed-in users only', async () => {
    const anonymous = await world.anonymous().get<{ error: { code: string } }>('/api/operations?service=ec2');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
  });
});
