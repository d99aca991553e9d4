import { ApiError } from '../api-error.js';
import { obj, str, strList, type HandlerContext, type ServiceImpl } from '../service.js';
import type { RegionWorkloads } from '../world/workloads.js';
import { decodeOffsetToken, encodeOffsetToken, gateWorkloads, pageOf, regionalArn } from './workload-gate.js';

/**
 * AWS Config (protocol json 1.1, signing name `config`), regional. Every workload region of a member
 * account records with the `default` recorder; production also evaluates two AWS managed rules. Config's
 * AccessDenied names no resource.
 */

const DENIAL = { code: 'AccessDeniedException', status: 400, namesResource: false } as const;
const RULES_PER_PAGE = 25;
const RECORDER = 'default';

function gate(ctx: HandlerContext, operation: string): RegionWorkloads {
  return gateWorkloads(ctx, { endpointPrefix: 'config', action: `config:${operation}`, resource: '*', denial: DENIAL });
}

function describeConfigRules(ctx: HandlerContext, input: Record<string, unknown>) {
  const w = gate(ctx, 'DescribeConfigRules');
  const names = strList(input, 'ConfigRuleNames');
  const unknown = names.find((n) => !w.configRules.some((r) => r.name === n));
  if (unknown !== undefined) {
    throw new ApiError(
      'NoSuchConfigRuleException',
      `The ConfigRule '${unknown}' provided in the request is invalid. Please check the configRule name`,
      400,
    );
  }
  const mode = str(obj(input['Filters']), 'EvaluationMode');
  // Sorted by name, as moto does; AWS documents no order.
  const rules = [...w.configRules]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .filter((r) => (names.length === 0 || names.includes(r.name)) && (mode === undefined || mode === 'DETECTIVE'));
  const token = str(input, 'NextToken');
  const offset = token === undefined ? 0 : decodeOffsetToken(token, 'DescribeConfigRules');
  if (offset === undefined) throw new ApiError('InvalidNextTokenException', 'The nextToken provided is invalid', 400);
  const page = pageOf(rules, offset, RULES_PER_PAGE);
  return {
    ConfigRules: page.items.map((r) => ({
      ConfigRuleName: r.name,
      ConfigRuleArn: r.arn,
      ConfigRuleId: r.id,
      Description: r.description,
      Scope: { ComplianceResourceTypes: r.resourceTypes },
      Source: { Owner: 'AWS', SourceIdentifier: r.sourceIdentifier },
      MaximumExecutionFrequency: 'TwentyFour_Hours',
      ConfigRuleState: 'ACTIVE',
      EvaluationModes: [{ Mode: 'DETECTIVE' }],
    })),
    ...(page.next === undefined ? {} : { NextToken: encodeOffsetToken('DescribeConfigRules', page.next) }),
  };
}

/** The recorders asked for: none asked means all; an unknown name is an error. */
function recorders(ctx: HandlerContext, w: RegionWorkloads, input: Record<string, unknown>): string[] {
  const existing = w.configRecorder ? [RECORDER] : [];
  const names = strList(input, 'ConfigurationRecorderNames');
  const unknown = names.find((n) => !existing.includes(n));
  if (unknown !== undefined) {
    throw new ApiError(
      'NoSuchConfigurationRecorderException',
      `Cannot find configuration recorder with the specified name '${unknown}'.`,
      400,
    );
  }
  const arn = str(input, 'Arn');
  return existing.filter((n) => arn === undefined || arn === recorderArn(ctx, w, n));
}

const recorderArn = (ctx: HandlerContext, w: RegionWorkloads, name: string) =>
  regionalArn(ctx, 'config', `configuration-recorder/${name}/${w.hostId}`);

function describeConfigurationRecorders(ctx: HandlerContext, input: Record<string, unknown>) {
  const w = gate(ctx, 'DescribeConfigurationRecorders');
  return {
    ConfigurationRecorders: recorders(ctx, w, input).map((name) => ({
      arn: recorderArn(ctx, w, name),
      name,
      roleARN: `arn:aws:iam::${ctx.caller.accountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
      recordingGroup: {
        allSupported: true,
        // Global resources (IAM) are recorded once, in the home region.
        includeGlobalResourceTypes: ctx.region === 'us-east-1',
        resourceTypes: [],
        exclusionByResourceTypes: { resourceTypes: [] },
        recordingStrategy: { useOnly: 'ALL_SUPPORTED_RESOURCE_TYPES' },
      },
      recordingMode: { recordingFrequency: 'CONTINUOUS', recordingModeOverrides: [] },
      recordingScope: 'PAID',
    })),
  };
}

function describeConfigurationRecorderStatus(ctx: HandlerContext, input: Record<string, unknown>) {
  const w = gate(ctx, 'DescribeConfigurationRecorderStatus');
  const now = ctx.now();
  return {
    ConfigurationRecordersStatus: recorders(ctx, w, input).map((name) => ({
      arn: recorderArn(ctx, w, name),
      name,
      lastStartTime: new Date(now - 200 * 86_400_000),
      recording: true,
      lastStatus: 'Success',
      lastStatusChangeTime: new Date(now - 3_600_000),
    })),
  };
}

const OPERATIONS = {
  DescribeConfigRules: describeConfigRules,
  DescribeConfigurationRecorders: describeConfigurationRecorders,
  DescribeConfigurationRecorderStatus: describeConfigurationRecorderStatus,
};

export const configService: ServiceImpl = {
  signingName: 'config',
  modelName: 'config',
  actionPrefix: 'config',
  operations: OPERATIONS,
  // Each operation checks the region before the policies, as AWS does (see workload-gate.ts).
  selfAuthorized: new Set(Object.keys(OPERATIONS)),
};
