/**
 * The CDK app's options, from context (`cdk deploy -c alertEmails=a@example.com,b@example.com`) or `cdk.json`,
 * validated; an error names the option. Pure: the app passes `node.tryGetContext`.
 */
import { SEVERITIES, type Severity } from '../shared/rules/rule-types.ts';
import { parseScanConfig } from '../shared/rules/scan-config.ts';
import { IAM_EVENTS_REGION } from './event-patterns.ts';
import { DEFAULTS, type TriplineProps } from './tripline-construct.ts';

/** The fixed environment of an offline synth (no credentials): the documentation's example account. */
export const OFFLINE_ACCOUNT = '111122223333';

export interface AppConfig {
  account: string;
  homeRegion: string;
  stackName: string;
  props: TriplineProps;
}

export class AppConfigError extends Error {
  override readonly name = 'AppConfigError';
}

type Lookup = (key: string) => unknown;

function text(get: Lookup, key: string): string | undefined {
  const value = get(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number')
    throw new AppConfigError(`context ${key}: expected a string`);
  return String(value).trim();
}

/** A comma-separated list (or a JSON array in cdk.json). */
function list(get: Lookup, key: string): string[] {
  const value = get(key);
  if (Array.isArray(value))
    return value
      .map(String)
      .map((s) => s.trim())
      .filter(Boolean);
  const raw = text(get, key);
  return raw
    ? raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

function severity(get: Lookup, key: string): Severity | undefined {
  const raw = text(get, key);
  if (raw === undefined) return undefined;
  if (!(SEVERITIES as readonly string[]).includes(raw))
    throw new AppConfigError(`context ${key}: expected one of ${SEVERITIES.join(', ')}`);
  return raw as Severity;
}

function integer(get: Lookup, key: string): number | undefined {
  const raw = text(get, key);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new AppConfigError(`context ${key}: expected a whole number`);
  return Number(raw);
}

function bool(get: Lookup, key: string): boolean | undefined {
  const value = get(key);
  if (value === undefined || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new AppConfigError(`context ${key}: expected true or false`);
}

const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;
const SCHEDULE = /^(?:rate\(\d+ (?:minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/;

/**
 * Reads the options. `env` supplies `CDK_DEFAULT_ACCOUNT` / `CDK_DEFAULT_REGION` (set by the CDK CLI from the
 * credentials); without them (offline), the environment is account 111122223333 in us-east-1.
 */
export function readAppConfig(
  get: Lookup,
  env: Readonly<Record<string, string | undefined>> = {},
): AppConfig {
  const homeRegion = text(get, 'homeRegion') ?? env.CDK_DEFAULT_REGION ?? IAM_EVENTS_REGION;
  if (!REGION.test(homeRegion)) throw new AppConfigError(`context homeRegion: ${homeRegion} is not a Region`);
  const account = text(get, 'account') ?? env.CDK_DEFAULT_ACCOUNT ?? OFFLINE_ACCOUNT;
  if (!/^\d{12}$/.test(account)) throw new AppConfigError('context account: expected a 12-digit account id');

  const alertEmails = list(get, 'alertEmails');
  for (const email of alertEmails) {
    if (!EMAIL.test(email)) throw new AppConfigError(`context alertEmails: ${email} is not an email address`);
  }
  const slackSecretArn = text(get, 'slackSecretArn');
  if (slackSecretArn !== undefined && !SECRET_ARN.test(slackSecretArn))
    throw new AppConfigError('context slackSecretArn: expected a Secrets Manager secret ARN');
  const schedule = (key: string) => {
    const value = text(get, key);
    if (value !== undefined && !SCHEDULE.test(value))
      throw new AppConfigError(`context ${key}: expected rate(N unit) or cron(...)`);
    return value;
  };
  const sweepSchedule = schedule('sweepSchedule');
  const digestSchedule = schedule('digestSchedule');

  const knownAccounts = list(get, 'knownAccounts');
  const deployers = list(get, 'deployers');
  const scanConfig: Record<string, unknown> = {};
  if (knownAccounts.length > 0) scanConfig.knownAccounts = knownAccounts;
  if (deployers.length > 0) scanConfig.deployers = deployers;
  try {
    parseScanConfig(scanConfig, 'context');
  } catch (error) {
    throw new AppConfigError((error as Error).message, { cause: error });
  }

  const props: TriplineProps = {};
  const namePrefix = text(get, 'namePrefix');
  if (namePrefix !== undefined) {
    if (!/^[a-z][a-z0-9-]{0,19}$/.test(namePrefix))
      throw new AppConfigError('context namePrefix: lower-case letters, digits and dashes, at most 20');
    props.namePrefix = namePrefix;
  }
  if (alertEmails.length > 0) props.alertEmails = alertEmails;
  const minEmailSeverity = severity(get, 'minEmailSeverity');
  if (minEmailSeverity) props.minEmailSeverity = minEmailSeverity;
  const minSlackSeverity = severity(get, 'minSlackSeverity');
  if (minSlackSeverity) props.minSlackSeverity = minSlackSeverity;
  if (slackSecretArn) props.slackSecretArn = slackSecretArn;
  if (Object.keys(scanConfig).length > 0) props.scanConfig = scanConfig;
  if (sweepSchedule) props.sweepSchedule = sweepSchedule;
  if (digestSchedule) props.digestSchedule = digestSchedule;
  const recheckDelaySeconds = integer(get, 'recheckDelaySeconds');
  if (recheckDelaySeconds !== undefined) {
    if (recheckDelaySeconds > 900) throw new AppConfigError('context recheckDelaySeconds: at most 900');
    props.recheckDelaySeconds = recheckDelaySeconds;
  }
  const logRetentionDays = integer(get, 'logRetentionDays');
  if (logRetentionDays !== undefined) props.logRetentionDays = logRetentionDays;
  const reserveConcurrency = bool(get, 'reserveConcurrency');
  if (reserveConcurrency !== undefined) props.reserveConcurrency = reserveConcurrency;

  return {
    account,
    homeRegion,
    stackName: text(get, 'stackName') ?? 'Tripline',
    props,
  };
}

export { DEFAULTS };
