/**
 * The AWS managed policies the sandbox knows. Their documents are abridged but keep AWS's shape: the
 * read-only policy grants reads (Describe, Get, List, LookupEvents…) and nothing that writes.
 */
export interface AwsManagedPolicy {
  name: string;
  arn: string;
  id: string;
  description: string;
  document: string;
}

function policy(name: string, id: string, description: string, statements: object[]): AwsManagedPolicy {
  return {
    name,
    arn: `arn:aws:iam::aws:policy/${name}`,
    id,
    description,
    document: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
  };
}

export const AWS_MANAGED_POLICIES: readonly AwsManagedPolicy[] = [
  policy('AdministratorAccess', 'ANPAIWMBCKSKIEE64ZLYK', 'Provides full access to AWS services and resources.', [
    { Effect: 'Allow', Action: '*', Resource: '*' },
  ]),
  policy('ReadOnlyAccess', 'ANPAILL3HVNFSB6DCOWYQ', 'Provides read-only access to AWS services and resources.', [
    {
      Sid: 'ReadOnlyActions',
      Effect: 'Allow',
      Action: [
        '*:Describe*',
        '*:Get*',
        '*:List*',
        'cloudtrail:LookupEvents',
        'ce:Get*',
        's3:ListAllMyBuckets',
        'sts:GetCallerIdentity',
      ],
      Resource: '*',
    },
  ]),
  policy(
    'IAMReadOnlyAccess',
    'ANPAJKSO7NDY4T57MWDSQ',
    'Provides read only access to IAM via the AWS Management Console.',
    [
      {
        Effect: 'Allow',
        Action: [
          'iam:GenerateCredentialReport',
          'iam:Get*',
          'iam:List*',
          'iam:SimulateCustomPolicy',
          'iam:SimulatePrincipalPolicy',
        ],
        Resource: '*',
      },
    ],
  ),
  policy(
    'AWSBillingReadOnlyAccess',
    'ANPAJRRMOHGHV3LY5BLPS',
    'Allows users to have read only access to the AWS Billing console.',
    [
      {
        Effect: 'Allow',
        Action: ['ce:Get*', 'ce:Describe*', 'ce:List*', 'organizations:Describe*', 'organizations:List*'],
        Resource: '*',
      },
    ],
  ),
  policy(
    'SecurityAudit',
    'ANPAIX2T3QCXHR2OGGCTO',
    'The security audit template grants access to read security configuration metadata.',
    [
      {
        Effect: 'Allow',
        Action: [
          'iam:Get*',
          'iam:List*',
          'iam:GenerateCredentialReport',
          'cloudtrail:LookupEvents',
          'cloudtrail:Describe*',
          'ec2:Describe*',
          's3:ListAllMyBuckets',
          'organizations:Describe*',
          'organizations:List*',
        ],
        Resource: '*',
      },
    ],
  ),
];

const byArn = new Map(AWS_MANAGED_POLICIES.map((p) => [p.arn, p]));

export function findAwsManagedPolicy(arn: string): AwsManagedPolicy | undefined {
  return byArn.get(arn);
}
