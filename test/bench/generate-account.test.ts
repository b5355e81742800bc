import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type AuthorizationDetailsJson,
  type GenerateAccountOptions,
  generateAccount,
  type LambdaInventoryJson,
  mulberry32,
  PRESETS,
  QUOTAS,
  serializeAccount,
} from '../../bench/generate-account.ts';
import type { AccountSnapshot } from '../../shared/snapshot/account-snapshot.ts';
import {
  buildSnapshot,
  parseAuthorizationDetails,
  parseJsonValues,
  parseLambdaInventory,
} from '../../shared/snapshot/parse-authorization-details.ts';

const EXAMPLE_DIR = join(import.meta.dirname, '../../examples/account');
const OPTIONS: GenerateAccountOptions = {
  seed: 42,
  roles: 120,
  users: 60,
  groups: 12,
  customerPolicies: 80,
  awsManagedPolicies: 40,
  functions: 70,
};

/** Broken references and quota violations: what would make a snapshot lie about the account. */
function integrityProblems(details: AuthorizationDetailsJson, lambdas: LambdaInventoryJson): string[] {
  const problems: string[] = [];
  const policies = new Set(details.Policies.map((p) => p.Arn));
  const groups = new Set(details.GroupDetailList.map((g) => g.GroupName));
  const roles = new Set(details.RoleDetailList.map((r) => r.Arn));
  const principals = [...details.RoleDetailList, ...details.UserDetailList, ...details.GroupDetailList];
  for (const p of principals) {
    for (const a of p.AttachedManagedPolicies)
      if (!policies.has(a.PolicyArn)) problems.push(`${p.Arn}: ${a.PolicyArn} not in Policies`);
    const boundary = 'PermissionsBoundary' in p ? p.PermissionsBoundary : undefined;
    if (boundary && !policies.has(boundary.PermissionsBoundaryArn))
      problems.push(`${p.Arn}: boundary not in Policies`);
  }
  for (const r of details.RoleDetailList) {
    if (r.AttachedManagedPolicies.length > QUOTAS.managedPerRole)
      problems.push(`${r.Arn}: too many managed policies`);
  }
  for (const g of details.GroupDetailList) {
    if (g.AttachedManagedPolicies.length > QUOTAS.managedPerGroup)
      problems.push(`${g.Arn}: too many managed policies`);
  }
  for (const u of details.UserDetailList) {
    if (u.GroupList.length > QUOTAS.groupsPerUser) problems.push(`${u.Arn}: in too many groups`);
    for (const g of u.GroupList) if (!groups.has(g)) problems.push(`${u.Arn}: unknown group ${g}`);
  }
  for (const p of details.Policies) {
    if (p.PolicyVersionList.length > QUOTAS.versionsPerPolicy) problems.push(`${p.Arn}: too many versions`);
    if (p.PolicyVersionList.filter((v) => v.IsDefaultVersion).length !== 1)
      problems.push(`${p.Arn}: not one default version`);
    const attached = principals.filter((x) =>
      x.AttachedManagedPolicies.some((a) => a.PolicyArn === p.Arn),
    ).length;
    if (attached !== p.AttachmentCount)
      problems.push(`${p.Arn}: AttachmentCount ${p.AttachmentCount}, attached ${attached}`);
  }
  const ids = [
    ...details.RoleDetailList.map((r) => r.RoleId),
    ...details.UserDetailList.map((u) => u.UserId),
    ...details.GroupDetailList.map((g) => g.GroupId),
    ...details.Policies.map((p) => p.PolicyId),
  ];
  for (const id of ids) if (!/^A(ROA|IDA|GPA|NPA)[A-Z0-9]{17}$/.test(id)) problems.push(`bad id ${id}`);
  if (new Set(ids).size !== ids.length) problems.push('duplicate ids');
  const names = principals.map((p) => p.Arn);
  if (new Set(names).size !== names.length) problems.push('duplicate principal ARNs');
  for (const f of lambdas.Functions)
    if (!roles.has(f.Role)) problems.push(`${f.FunctionName}: role ${f.Role} not in RoleDetailList`);
  return problems;
}

/** The real offline input path, from text. */
function parseText(details: string, lambdas: string): AccountSnapshot {
  const parsed = parseAuthorizationDetails(parseJsonValues(details, 'details.json'), 'details.json');
  const functions = parseLambdaInventory(parseJsonValues(lambdas, 'lambdas.json')[0], 'lambdas.json');
  return buildSnapshot(parsed, functions, { authorizationDetails: 'details.json', lambdas: 'lambdas.json' });
}

function invalidDocuments(snapshot: AccountSnapshot): string[] {
  const invalid: string[] = [];
  for (const p of snapshot.managedPolicies.values()) {
    for (const v of p.versions) if (!v.document.ok) invalid.push(`${p.arn} ${v.versionId}`);
  }
  for (const p of [...snapshot.roles, ...snapshot.users, ...snapshot.groups]) {
    for (const i of p.inlinePolicies) if (!i.document.ok) invalid.push(`${p.arn} inline ${i.name}`);
    if (p.kind === 'role' && !p.trustPolicy.ok) invalid.push(`${p.arn} trust`);
  }
  for (const f of snapshot.functions ?? []) if (f.policy && !f.policy.ok) invalid.push(`${f.arn} policy`);
  return invalid;
}

describe('mulberry32', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const values = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(values);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(mulberry32(8)()).not.toBe(values[0]);
  });
});

describe('generateAccount', () => {
  const account = generateAccount(OPTIONS);
  const { authorizationDetails: details, lambdas } = account;

  it('is deterministic for a seed and differs between seeds', () => {
    expect(JSON.stringify(generateAccount(OPTIONS))).toBe(JSON.stringify(account));
    expect(JSON.stringify(generateAccount({ ...OPTIONS, seed: 43 }))).not.toBe(JSON.stringify(account));
  });

  it('produces the requested counts', () => {
    expect(details.RoleDetailList).toHaveLength(OPTIONS.roles);
    expect(details.UserDetailList).toHaveLength(OPTIONS.users);
    expect(details.GroupDetailList).toHaveLength(OPTIONS.groups);
    expect(details.Policies.filter((p) => p.Arn.startsWith('arn:aws:iam::aws:'))).toHaveLength(
      OPTIONS.awsManagedPolicies,
    );
    expect(details.Policies.filter((p) => !p.Arn.startsWith('arn:aws:iam::aws:'))).toHaveLength(
      OPTIONS.customerPolicies,
    );
    expect(lambdas.Functions).toHaveLength(OPTIONS.functions);
  });

  it('keeps references consistent and respects IAM quotas', () => {
    expect(integrityProblems(details, lambdas)).toEqual([]);
  });

  it('mixes good and risky practice', () => {
    const trusts = details.RoleDetailList.map((r) => JSON.stringify(r.AssumeRolePolicyDocument));
    expect(trusts.filter((t) => t.includes('lambda.amazonaws.com')).length).toBeGreaterThan(
      OPTIONS.functions * 0.8,
    );
    const policies = JSON.stringify(details);
    for (const risky of ['"iam:PassRole"', '"lambda:InvokeFunction"', '"NotAction"', 'sts:ExternalId']) {
      expect(policies).toContain(risky);
    }
    const perRole = new Map<string, number>();
    for (const f of lambdas.Functions) perRole.set(f.Role, (perRole.get(f.Role) ?? 0) + 1);
    expect([...perRole.values()].filter((n) => n === 1).length).toBeGreaterThan(OPTIONS.functions * 0.6);
  });

  it('parses through the real input path, in the CLI and the API (URL-encoded) forms', () => {
    const text = serializeAccount(account);
    const snapshot = parseText(text.authorizationDetails, text.lambdas);
    expect(snapshot.accountId).toBe('111122223333');
    expect(snapshot.roles).toHaveLength(OPTIONS.roles);
    expect(snapshot.functions).toHaveLength(OPTIONS.functions);
    expect(invalidDocuments(snapshot).length).toBeLessThanOrEqual(2);

    const encoded = serializeAccount(generateAccount({ ...OPTIONS, documents: 'url-encoded' }), 0);
    expect(encoded.authorizationDetails).toContain('%22Statement%22');
    const fromApi = parseText(encoded.authorizationDetails, encoded.lambdas);
    expect(fromApi.roles.map((r) => r.trustPolicy)).toEqual(snapshot.roles.map((r) => r.trustPolicy));
    expect([...fromApi.managedPolicies.values()].map((p) => p.versions[0]?.document)).toEqual(
      [...snapshot.managedPolicies.values()].map((p) => p.versions[0]?.document),
    );
  });

  it('rejects impossible sizes', () => {
    expect(() => generateAccount({ ...OPTIONS, roles: -1 })).toThrow(RangeError);
    expect(() => generateAccount({ ...OPTIONS, roles: 0, functions: 3 })).toThrow(RangeError);
  });

  it('sizes the max preset at the IAM quotas', () => {
    expect(PRESETS.max).toMatchObject({
      roles: 5000,
      users: 5000,
      groups: 500,
      customerPolicies: 5000,
      functions: 2000,
    });
  });
});

describe('bundled example account (examples/account)', () => {
  const detailsText = readFileSync(join(EXAMPLE_DIR, 'authorization-details.json'), 'utf8');
  const lambdasText = readFileSync(join(EXAMPLE_DIR, 'lambdas.json'), 'utf8');
  const details = JSON.parse(detailsText) as AuthorizationDetailsJson;
  const lambdas = JSON.parse(lambdasText) as LambdaInventoryJson;

  it('keeps references consistent, like the generator', () => {
    expect(integrityProblems(details, lambdas)).toEqual([]);
    for (const p of details.Policies)
      expect(p.AttachmentCount + p.PermissionsBoundaryUsageCount, p.Arn).toBeGreaterThan(0);
  });

  it('parses through the real input path with exactly the one intended invalid document', () => {
    const snapshot = parseText(detailsText, lambdasText);
    expect(snapshot.accountId).toBe('111122223333');
    expect(snapshot.roles.length + snapshot.users.length + snapshot.groups.length).toBeGreaterThan(40);
    expect(snapshot.functions?.length).toBeGreaterThanOrEqual(25);
    expect(invalidDocuments(snapshot)).toEqual([
      'arn:aws:iam::111122223333:policy/reporting/reporting-legacy-athena v3',
    ]);
  });
});
