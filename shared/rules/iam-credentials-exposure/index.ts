import type { ResolvedPrincipal } from '../../snapshot/principal-policies.ts';
import type { PrincipalRule, RuleContext, RuleResult } from '../rule-types.ts';
import { coveredByAdminAccess } from '../support/admin-coverage.ts';
import { IDENTITY_POLICY_READ_ACTIONS, identityPolicyTriggers } from '../support/identity-policy-events.ts';
import { concludePrincipal } from '../support/missing-documents.ts';
import {
  conditionalSeverity,
  conditionNote,
  describeResources,
  grantEvidence,
  grantsOnEveryResource,
  grantsOnSomeResource,
  type ResourceGrant,
} from '../support/resource-grants.ts';
import { describeStatement, fail, resourceTypeOf } from '../support/results.ts';
import { workloadRoleGate } from '../support/workload-applicability.ts';

const SEVERITY = 'high';

interface CredentialAction {
  action: string;
  /** What the response hands out. */
  returns: string;
  /**
   * `any`: holding the action at all exposes credentials (it mints them for whichever user or registry it names).
   * `every`: the action is the recommended way for a workload to reach one database or pool; only a grant on
   * every resource (every database user) is an exposure.
   * `never`: AWS refuses the call to role sessions, so a workload role holding it exposes nothing.
   */
  exposure: 'any' | 'every' | 'never';
}

/** Actions whose response carries credentials (keys, passwords, tokens). Documented on the rule's page. */
export const CREDENTIAL_ACTIONS: readonly CredentialAction[] = [
  { action: 'iam:CreateAccessKey', returns: 'long-term access keys for an IAM user', exposure: 'any' },
  {
    action: 'iam:CreateLoginProfile',
    returns: 'a console password (chosen by the caller) for an IAM user',
    exposure: 'any',
  },
  {
    action: 'iam:UpdateLoginProfile',
    returns: 'a new console password (chosen by the caller) for an IAM user',
    exposure: 'any',
  },
  {
    action: 'iam:CreateServiceSpecificCredential',
    returns: 'a CodeCommit / Keyspaces / Bedrock password for an IAM user',
    exposure: 'any',
  },
  {
    action: 'iam:ResetServiceSpecificCredential',
    returns: 'a new service-specific password for an IAM user',
    exposure: 'any',
  },
  {
    action: 'ecr:GetAuthorizationToken',
    returns: 'a Docker registry token for every ECR repository the role can read',
    exposure: 'any',
  },
  { action: 'ecr-public:GetAuthorizationToken', returns: 'an ECR Public registry token', exposure: 'any' },
  { action: 'codeartifact:GetAuthorizationToken', returns: 'a package registry token', exposure: 'any' },
  {
    action: 'cognito-identity:GetCredentialsForIdentity',
    returns: 'AWS credentials for an identity pool identity',
    exposure: 'any',
  },
  {
    action: 'lightsail:GetInstanceAccessDetails',
    returns: 'SSH keys or passwords for a Lightsail instance',
    exposure: 'any',
  },
  {
    action: 'lightsail:DownloadDefaultKeyPair',
    returns: 'the private key of the default Lightsail key pair',
    exposure: 'any',
  },
  {
    action: 'rds-db:connect',
    returns: 'IAM database authentication tokens for RDS / Aurora database users',
    exposure: 'every',
  },
  {
    action: 'redshift:GetClusterCredentials',
    returns: 'temporary database passwords for Redshift users',
    exposure: 'every',
  },
  {
    action: 'redshift:GetClusterCredentialsWithIAM',
    returns: 'temporary Redshift database credentials',
    exposure: 'every',
  },
  {
    action: 'redshift-serverless:GetCredentials',
    returns: 'temporary Redshift Serverless database credentials',
    exposure: 'every',
  },
  { action: 'dsql:DbConnect', returns: 'Aurora DSQL authentication tokens', exposure: 'every' },
  { action: 'dsql:DbConnectAdmin', returns: 'Aurora DSQL admin authentication tokens', exposure: 'every' },
  {
    action: 'cognito-identity:GetOpenIdTokenForDeveloperIdentity',
    returns: 'OpenID tokens for any identity of a developer-authenticated identity pool',
    exposure: 'every',
  },
  {
    action: 'sts:GetFederationToken',
    returns: 'temporary credentials for a federated user',
    exposure: 'never',
  },
  {
    action: 'sts:GetSessionToken',
    returns: 'temporary credentials for the calling IAM user',
    exposure: 'never',
  },
];

const ANY = CREDENTIAL_ACTIONS.filter((c) => c.exposure === 'any').map((c) => c.action);
const EVERY = CREDENTIAL_ACTIONS.filter((c) => c.exposure === 'every').map((c) => c.action);
const BY_ACTION = new Map(CREDENTIAL_ACTIONS.map((c) => [c.action.toLowerCase(), c]));

function evaluate(principal: ResolvedPrincipal, ctx: RuleContext): RuleResult[] {
  const covered = coveredByAdminAccess(principal);
  if (covered) return [covered];
  const gate = workloadRoleGate(principal, ctx.config.workloadServices);
  if (gate) return [gate];
  const type = resourceTypeOf(principal.principal.kind);
  const name = principal.principal.name;
  const reported: ResourceGrant[] = [
    ...grantsOnSomeResource(principal, { actions: ANY }),
    ...grantsOnEveryResource(principal, { actions: EVERY }).filter((g) => !g.scopedByCondition),
  ];
  const findings: RuleResult[] = [];
  for (const grant of reported) {
    const first = grant.grantedBy[0];
    const entry = BY_ACTION.get(grant.action.id.toLowerCase());
    if (!first || !entry) continue;
    const result = fail(
      principal.arn,
      type,
      `workload role ${name} can obtain ${entry.returns} (${grant.action.id} on ${describeResources(grant)}) ` +
        `through ${describeStatement(first)}${conditionNote(grant)}`,
      { ...grantEvidence(grant), action: grant.action.id },
      grant.action.id,
    );
    if (grant.allowed === 'unknown') result.severity = conditionalSeverity(SEVERITY);
    findings.push(result);
  }
  return concludePrincipal(
    principal,
    type,
    findings,
    'no action that returns credentials is granted',
    'credential-returning action',
  );
}

export const rule: PrincipalRule = {
  id: 'iam-credentials-exposure',
  title: 'Workload role can obtain credentials',
  severity: SEVERITY,
  resourceType: 'AWS::IAM::Role',
  scope: 'principal',
  principalKinds: ['role'],
  evaluator: 'identity-policies',
  rationale:
    'A function role that can mint credentials — IAM user access keys (iam:CreateAccessKey), console ' +
    'passwords (iam:CreateLoginProfile, iam:UpdateLoginProfile), service passwords, registry tokens ' +
    '(ecr:GetAuthorizationToken, codeartifact:GetAuthorizationToken), identity-pool credentials ' +
    '(cognito-identity:GetCredentialsForIdentity), Lightsail SSH keys — lets an attacker who controls the ' +
    'function keep access after the function is fixed, under an identity nobody watches. Database token ' +
    'actions (rds-db:connect, redshift:GetClusterCredentials, redshift-serverless:GetCredentials, ' +
    'dsql:DbConnect) are the right way for a function to reach its database, so only grants on every ' +
    'database user are reported. sts:GetFederationToken and sts:GetSessionToken are listed but not reported: ' +
    'AWS refuses them to role sessions ("Cannot call GetSessionToken with session credentials"). One finding ' +
    'per action; grants under conditions are reported as conditional, one severity lower.',
  remediation: {
    summary:
      'Remove the credential-minting actions from the function role; scope database token actions to the database user the function uses.',
    cli: 'aws iam delete-role-policy --role-name ROLE --policy-name POLICY',
    cdk:
      'dbInstance.grantConnect(fn, "app_user") instead of actions: ["rds-db:connect"], resources: ["*"]; ' +
      'never grant iam:CreateAccessKey to a function role.',
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_request.html#stsapi_comparison',
    'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html',
    'https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry_auth.html',
  ],
  triggers: identityPolicyTriggers({ trust: true }),
  readActions: [...IDENTITY_POLICY_READ_ACTIONS],
  evaluate,
};
