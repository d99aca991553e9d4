import { isArn } from '../arn.js';
import { CrossbarError, isCrossbarError } from '../errors.js';
import { awsErrorFacts, isUnreachable, sourceCredentialsError } from '../credentials/sts-errors.js';

/** What discovery knows when an Organizations call fails, to name the account in the error. */
export interface OrganizationErrorContext {
  /** The caller's ARN or account id, when the CLI knows it (from GetCallerIdentity). */
  caller?: string;
  managementAccountId?: string;
  organizationId?: string;
  endpoint?: string;
}

const PERMISSIONS =
  'organizations:DescribeOrganization, organizations:ListRoots, organizations:ListAccounts, organizations:ListChildren, ' +
  'organizations:ListOrganizationalUnitsForParent, organizations:ListParents, organizations:DescribeOrganizationalUnit and organizations:ListTagsForResource';
const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException', 'Throttling', 'RequestLimitExceeded']);

/** IAM-style denials name the caller: "User: arn:aws:sts::111111111111:assumed-role/X/s is not authorized…". */
function callerFromMessage(message: string): string | undefined {
  const candidate = /^User: (\S+) is not authorized/.exec(message)?.[1];
  return candidate !== undefined && isArn(candidate) ? candidate : undefined;
}

function deniedError(operation: string, message: string, ctx: OrganizationErrorContext, cause: unknown): CrossbarError {
  const caller = ctx.caller ?? callerFromMessage(message);
  const who = caller ? `${caller}` : 'these credentials';
  const management = ctx.managementAccountId
    ? `the management account ${ctx.managementAccountId}${ctx.organizationId ? ` of ${ctx.organizationId}` : ''}`
    : 'the management account';
  return new CrossbarError(
    'DENIED',
    `organizations:${operation} was denied to ${who}: --from-organization needs ${management} or a delegated administrator account (AWS said: ${message})`,
    {
      hint: `Run it with credentials of ${management} (or a delegated administrator) whose policies allow ${PERMISSIONS}; or use --from-aws-config`,
      cause,
    },
  );
}

/** Turns an SDK failure of one Organizations call into a CrossbarError that says what to do next. */
export function organizationError(operation: string, err: unknown, ctx: OrganizationErrorContext): CrossbarError {
  if (isCrossbarError(err)) return err;
  const f = awsErrorFacts(err);
  if (f.name === 'AccessDeniedException' || f.name === 'AccessDenied')
    return deniedError(operation, f.message, ctx, err);
  if (f.name === 'AWSOrganizationsNotInUseException') {
    return new CrossbarError(
      'USAGE',
      `The account of ${ctx.caller ?? 'these credentials'} is not in an AWS Organization, so --from-organization has nothing to list`,
      {
        hint: 'Use `crossbar init --from-aws-config` to import your role profiles, or list the accounts in crossbar.yaml by hand',
        cause: err,
      },
    );
  }
  const badSource = sourceCredentialsError(err, ctx.caller ?? 'the source identity');
  if (badSource) return badSource;
  if (THROTTLING.has(f.name)) {
    return new CrossbarError(
      'THROTTLED',
      `Organizations kept throttling organizations:${operation} after the SDK's retries`,
      {
        hint: 'Try again in a minute, or lower the discovery concurrency',
        cause: err,
      },
    );
  }
  if (isUnreachable(err)) {
    return new CrossbarError(
      'ENDPOINT_UNREACHABLE',
      `No answer from ${ctx.endpoint ?? 'the Organizations endpoint'} for organizations:${operation}`,
      {
        hint: ctx.endpoint
          ? 'Is the sandbox running? Start it with `crossbar sandbox start`, or fix `endpoint` in crossbar.yaml'
          : 'Check the network or a proxy (HTTPS_PROXY)',
        cause: err,
      },
    );
  }
  return new CrossbarError('ERROR', `organizations:${operation} failed: ${f.name}: ${f.message}`, {
    hint: 'Run again with --debug for the full error',
    cause: err,
  });
}
