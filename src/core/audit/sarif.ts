import { basename } from 'node:path';
import { isArn, parseArn } from '../arn.js';
import { RULE_LIST } from './rules.js';
import type { AcceptedException, Finding, NotCovered, Severity } from './types.js';

/**
 * The audit as a SARIF 2.1.0 log (OASIS), for code-scanning dashboards: one run, every rule in
 * tool.driver.rules, one result per finding located by a logical location (the role or user ARN, inside its
 * account). Accounts that could not be read become error notifications of the invocation, which then did not
 * succeed: a CI gate must not read "no results" as "no problems".
 */
export const SARIF_SCHEMA =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};
/** GitHub code scanning reads `security-severity` (0–10) to rank security results. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.0', low: '2.0' };

export interface SarifInput {
  findings: readonly Finding[];
  notCovered: readonly NotCovered[];
  exceptions: readonly AcceptedException[];
  version: string;
}

/** The role or user name of an ARN; the file name of a path (the local credentials rule). */
function shortName(resource: string): string {
  return isArn(resource) ? parseArn(resource).resourceName : basename(resource);
}

export function toSarif(input: SarifInput): Record<string, unknown> {
  const index = new Map(RULE_LIST.map((r, i) => [r.id, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'crossbar',
            version: input.version,
            informationUri: 'https://github.com/crossbar/crossbar',
            rules: RULE_LIST.map((r) => ({
              id: r.id,
              name: r.name,
              shortDescription: { text: r.title },
              help: { text: r.fix },
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: input.notCovered.length === 0,
            toolExecutionNotifications: input.notCovered.map((n) => ({
              level: 'error',
              message: {
                text: `not covered: ${n.accountName} (${n.accountId}): ${n.code} (${n.reason}): ${n.message}`,
              },
              descriptor: { id: n.code },
              locations: [
                { logicalLocations: [{ name: n.accountName, fullyQualifiedName: n.accountId, kind: 'module' }] },
              ],
            })),
          },
        ],
        results: input.findings.map((f) => ({
          ruleId: f.id,
          ruleIndex: index.get(f.id) ?? -1,
          level: LEVEL[f.severity],
          message: { text: `${f.title}. Fix: ${f.fix}` },
          locations: [
            {
              logicalLocations: [{ name: shortName(f.resource), fullyQualifiedName: f.resource, kind: 'resource' }],
            },
          ],
          partialFingerprints: { crossbarFinding: `${f.id}/${f.accountId}/${f.resource}` },
          properties: {
            severity: f.severity,
            'security-severity': SECURITY_SEVERITY[f.severity],
            account: f.accountId,
            accountName: f.accountName,
            evidence: f.evidence,
          },
        })),
        properties: { notCovered: input.notCovered, acceptedExceptions: input.exceptions },
      },
    ],
  };
}
