import type { PolicyIssue } from '../../engine/policy-types.ts';
import type { PolicyDocument } from '../../snapshot/account-snapshot.ts';
import type { AccountRule, ResourceType, RuleContext, RuleResult } from '../rule-types.ts';
import {
  IDENTITY_POLICY_EVENT_NAMES,
  IDENTITY_POLICY_READ_ACTIONS,
} from '../support/identity-policy-events.ts';
import { fail, pass } from '../support/results.ts';

/** Issues named in a finding's evidence; the count gives the rest. */
const EVIDENCE_ERRORS = 20;

interface Located {
  resource: string;
  resourceType: ResourceType;
  /** What the document is, for messages: `inline policy orders of role orders-fn`. */
  describe: string;
  /** Which document of the resource (`inline:orders`, `trust`, `version:v2`, `function-policy`). */
  key: string;
  /** False for a managed policy version that is not the default: nothing evaluates it. */
  inUse: boolean;
  document: PolicyDocument;
}

/** Every policy document of the snapshot, with where it lives. */
function documents(ctx: RuleContext): Located[] {
  const found: Located[] = [];
  const { snapshot } = ctx;
  for (const role of snapshot.roles) {
    found.push({
      resource: role.arn,
      resourceType: 'AWS::IAM::Role',
      describe: `trust policy of role ${role.name}`,
      key: 'trust',
      inUse: true,
      document: role.trustPolicy,
    });
    for (const p of role.inlinePolicies) {
      found.push({
        resource: role.arn,
        resourceType: 'AWS::IAM::Role',
        describe: `inline policy ${p.name} of role ${role.name}`,
        key: `inline:${p.name}`,
        inUse: true,
        document: p.document,
      });
    }
  }
  for (const user of snapshot.users) {
    for (const p of user.inlinePolicies) {
      found.push({
        resource: user.arn,
        resourceType: 'AWS::IAM::User',
        describe: `inline policy ${p.name} of user ${user.name}`,
        key: `inline:${p.name}`,
        inUse: true,
        document: p.document,
      });
    }
  }
  for (const group of snapshot.groups) {
    for (const p of group.inlinePolicies) {
      found.push({
        resource: group.arn,
        resourceType: 'AWS::IAM::Group',
        describe: `inline policy ${p.name} of group ${group.name}`,
        key: `inline:${p.name}`,
        inUse: true,
        document: p.document,
      });
    }
  }
  for (const policy of snapshot.managedPolicies.values()) {
    for (const version of policy.versions) {
      found.push({
        resource: policy.arn,
        resourceType: 'AWS::IAM::Policy',
        describe: `version ${version.versionId}${version.isDefault ? ' (default)' : ''} of managed policy ${policy.name}`,
        key: `version:${version.versionId}`,
        inUse: version.isDefault,
        document: version.document,
      });
    }
  }
  for (const fn of snapshot.functions ?? []) {
    if (!fn.policy) continue;
    found.push({
      resource: fn.arn,
      resourceType: 'AWS::Lambda::Function',
      describe: `resource-based policy of function ${fn.name}`,
      key: 'function-policy',
      inUse: true,
      document: fn.policy,
    });
  }
  return found;
}

function renderIssue(issue: PolicyIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

function evaluate(ctx: RuleContext): RuleResult[] {
  const all = documents(ctx);
  const results: RuleResult[] = [];
  for (const doc of all) {
    if (doc.document.ok) continue;
    const errors = doc.document.errors.map(renderIssue);
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    results.push(
      fail(
        doc.resource,
        doc.resourceType,
        `${doc.describe} cannot be parsed: ${errors[0] ?? 'no detail'}${more}` +
          (doc.inUse ? '; rules leave it out of their analysis' : ' (not the default version)'),
        { document: doc.describe, errors: errors.slice(0, EVIDENCE_ERRORS), errorCount: errors.length },
        doc.key,
      ),
    );
  }
  if (results.length > 0) return results;
  const { snapshot } = ctx;
  const scope =
    snapshot.functions === undefined ? ' (no Lambda inventory: function policies not checked)' : '';
  return [
    pass(
      `arn:${snapshot.partition}:iam::${snapshot.accountId}:root`,
      'AWS::IAM::Policy',
      `every policy document in the snapshot parses (${all.length} document${all.length === 1 ? '' : 's'})${scope}`,
    ),
  ];
}

export const rule: AccountRule = {
  id: 'policy-invalid',
  title: 'Policy document cannot be parsed',
  severity: 'low',
  resourceType: 'AWS::IAM::Policy',
  scope: 'account',
  evaluator: 'identity-policies',
  rationale:
    'A policy document (inline, any version of a managed policy, a trust policy or a function policy) that ' +
    'does not follow the IAM grammar cannot be analysed: every rule leaves it out and reports UNKNOWN where it ' +
    'could matter, so its grants and Denies are invisible to the scan. IAM rejects most such documents when ' +
    'they are saved, so one in a snapshot usually means a hand-edited or truncated export, an element this ' +
    'tool does not know, or a grammar IAM accepts loosely (e.g. a misspelt condition operator, which then ' +
    'never matches). One finding per document, with the located errors.',
  remediation: {
    summary:
      'Fix the reported elements (or re-export the snapshot); validate documents before deploying them.',
    cli: 'aws accessanalyzer validate-policy --policy-type IDENTITY_POLICY --policy-document file://policy.json',
    cdk: 'Build statements with new iam.PolicyStatement({...}) rather than raw JSON; run cdk-nag or Access Analyzer policy checks in CI.',
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-validation.html',
  ],
  triggers: [
    {
      source: 'aws.iam',
      eventNames: [
        ...IDENTITY_POLICY_EVENT_NAMES,
        'CreatePolicy',
        'DeletePolicy',
        'DeletePolicyVersion',
        'CreateRole',
        'UpdateAssumeRolePolicy',
        'DeleteRole',
      ],
    },
    {
      source: 'aws.lambda',
      eventNames: ['AddPermission20150331v2', 'RemovePermission20150331v2', 'DeleteFunction20150331'],
    },
  ],
  readActions: [
    ...IDENTITY_POLICY_READ_ACTIONS,
    'iam:ListPolicies',
    'iam:ListPolicyVersions',
    'lambda:ListFunctions',
    'lambda:GetPolicy',
  ],
  evaluate,
};
