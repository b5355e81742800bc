/**
 * ARN parsing helpers: `arn:partition:service:region:account:resource` (the resource part may hold colons).
 */

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

const parsedArns = new Map<string, ParsedArn | undefined>();
const PARSED_ARN_LIMIT = 20_000;

/** Parses an ARN (cached: the same principal and resource ARNs are parsed for every request about them). */
export function parseArn(arn: string): ParsedArn | undefined {
  if (parsedArns.has(arn)) return parsedArns.get(arn);
  let parsed: ParsedArn | undefined;
  if (arn.startsWith('arn:')) {
    const parts = arn.split(':');
    if (parts.length >= 6) {
      parsed = Object.freeze({
        partition: parts[1] as string,
        service: parts[2] as string,
        region: parts[3] as string,
        account: parts[4] as string,
        resource: parts.slice(5).join(':'),
      });
    }
  }
  if (parsedArns.size >= PARSED_ARN_LIMIT) parsedArns.clear();
  parsedArns.set(arn, parsed);
  return parsed;
}

/** Account id of an ARN, or undefined for `*`, service principals and account-less ARNs (S3 buckets). */
export function accountOf(arn: string): string | undefined {
  const parsed = parseArn(arn);
  return parsed && parsed.account !== '' ? parsed.account : undefined;
}

export type PrincipalKind =
  | 'root'
  | 'user'
  | 'role'
  | 'assumed-role'
  | 'federated-user'
  | 'service'
  | 'other';

/** What kind of caller an ARN (or service principal name) denotes. */
export function principalKind(principal: string): PrincipalKind {
  const parsed = parseArn(principal);
  if (!parsed)
    return principal.endsWith('.amazonaws.com') || principal.endsWith('.amazonaws.com.cn')
      ? 'service'
      : 'other';
  if (parsed.service === 'iam') {
    if (parsed.resource === 'root') return 'root';
    if (parsed.resource.startsWith('user/')) return 'user';
    if (parsed.resource.startsWith('role/')) return 'role';
  }
  if (parsed.service === 'sts') {
    if (parsed.resource.startsWith('assumed-role/')) return 'assumed-role';
    if (parsed.resource.startsWith('federated-user/')) return 'federated-user';
  }
  return 'other';
}

/** Name of a role or user from its ARN (the last path element). */
export function nameFromArn(arn: string): string {
  const parsed = parseArn(arn);
  const resource = parsed ? parsed.resource : arn;
  const slash = resource.lastIndexOf('/');
  return slash >= 0 ? resource.slice(slash + 1) : resource;
}

/** For `arn:aws:sts::A:assumed-role/Name/Session`, the role name; otherwise undefined. */
export function sessionRoleName(arn: string): string | undefined {
  const parsed = parseArn(arn);
  if (parsed?.service !== 'sts' || !parsed.resource.startsWith('assumed-role/')) return undefined;
  return parsed.resource.split('/')[1];
}
