/**
 * The rule catalogue: every rule module, in one list. Adding a rule = adding its folder and one line here
 * (a test fails when a rule folder is not registered).
 */
import { rule as eventAuditorTampering } from './event-auditor-tampering/index.ts';
import { rule as eventOutOfBandChange } from './event-out-of-band-change/index.ts';
import { rule as eventRootActivity } from './event-root-activity/index.ts';
import { rule as iamAdminAccess } from './iam-admin-access/index.ts';
import { rule as iamCredentialsExposure } from './iam-credentials-exposure/index.ts';
import { rule as iamDataAccessWildcard } from './iam-data-access-wildcard/index.ts';
import { rule as iamDiscoveryPermissions } from './iam-discovery-permissions/index.ts';
import { rule as iamLambdaInvokeWildcard } from './iam-lambda-invoke-wildcard/index.ts';
import { rule as iamNotActionAllow } from './iam-not-action-allow/index.ts';
import { rule as iamPassroleWildcard } from './iam-passrole-wildcard/index.ts';
import { rule as iamPrivilegeEscalation } from './iam-privilege-escalation/index.ts';
import { rule as iamServiceWildcard } from './iam-service-wildcard/index.ts';
import { rule as iamUnscopedResource } from './iam-unscoped-resource/index.ts';
import { rule as iamUnusedRole } from './iam-unused-role/index.ts';
import { rule as lambdaCrossAccountInvoke } from './lambda-cross-account-invoke/index.ts';
import { rule as lambdaCrossAccountLayer } from './lambda-cross-account-layer/index.ts';
import { rule as lambdaDeprecatedRuntime } from './lambda-deprecated-runtime/index.ts';
import { rule as lambdaEnvSecrets } from './lambda-env-secrets/index.ts';
import { rule as lambdaInVpc } from './lambda-in-vpc/index.ts';
import { rule as lambdaOrphaned } from './lambda-orphaned/index.ts';
import { rule as lambdaPublicInvoke } from './lambda-public-invoke/index.ts';
import { rule as lambdaServiceInvokeNoSource } from './lambda-service-invoke-no-source/index.ts';
import { rule as lambdaSharedRole } from './lambda-shared-role/index.ts';
import { rule as lambdaUrlAuthNone } from './lambda-url-auth-none/index.ts';
import { rule as policyInvalid } from './policy-invalid/index.ts';
import type { Rule } from './rule-types.ts';
import { rule as trustCrossAccountNoExternalId } from './trust-cross-account-no-external-id/index.ts';
import { rule as trustLambdaRoleSharedPrincipal } from './trust-lambda-role-shared-principal/index.ts';
import { rule as trustPublicPrincipal } from './trust-public-principal/index.ts';

export const ALL_RULES: readonly Rule[] = [
  eventAuditorTampering,
  eventOutOfBandChange,
  eventRootActivity,
  iamAdminAccess,
  iamCredentialsExposure,
  iamDataAccessWildcard,
  iamDiscoveryPermissions,
  iamLambdaInvokeWildcard,
  iamNotActionAllow,
  iamPassroleWildcard,
  iamPrivilegeEscalation,
  iamServiceWildcard,
  iamUnscopedResource,
  iamUnusedRole,
  lambdaCrossAccountInvoke,
  lambdaCrossAccountLayer,
  lambdaDeprecatedRuntime,
  lambdaEnvSecrets,
  lambdaInVpc,
  lambdaOrphaned,
  lambdaPublicInvoke,
  lambdaServiceInvokeNoSource,
  lambdaSharedRole,
  lambdaUrlAuthNone,
  policyInvalid,
  trustCrossAccountNoExternalId,
  trustLambdaRoleSharedPrincipal,
  trustPublicPrincipal,
];

export function findRule(id: string): Rule | undefined {
  return ALL_RULES.find((r) => r.id === id);
}
