/**
 * An "outsider" probe for resource and trust policies: a caller from an account and organisation that are not
 * ours, with every source/principal condition key set to the outsider's values. If a policy still admits this
 * caller, its conditions do not pin the caller to a known account, ARN or organisation.
 */
import type { RequestContext } from '../../engine/request-types.ts';

export const OUTSIDER_ACCOUNT = '999900009999';
export const OUTSIDER_PRINCIPAL = `arn:aws:iam::${OUTSIDER_ACCOUNT}:role/outsider`;
export const OUTSIDER_ORG = 'o-outsider999';

/** Context an outsider controls: the keys that would pin a caller, set to the outsider's values. */
export function outsiderContext(principal: string = OUTSIDER_PRINCIPAL): RequestContext {
  return {
    'aws:SourceAccount': OUTSIDER_ACCOUNT,
    'aws:SourceOwner': OUTSIDER_ACCOUNT,
    'aws:SourceArn': `arn:aws:s3:::outsider-bucket-${OUTSIDER_ACCOUNT}`,
    'aws:SourceOrgID': OUTSIDER_ORG,
    'aws:PrincipalAccount': OUTSIDER_ACCOUNT,
    'aws:PrincipalArn': principal,
    'aws:PrincipalOrgID': OUTSIDER_ORG,
    'aws:SourceOrgPaths': [`${OUTSIDER_ORG}/r-0000/ou-outsider`],
    'aws:PrincipalOrgPaths': [`${OUTSIDER_ORG}/r-0000/ou-outsider`],
  };
}
