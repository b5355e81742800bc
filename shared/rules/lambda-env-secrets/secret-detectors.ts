/**
 * Recognises secrets in environment variables: by the format of the value (keys and tokens whose shape is
 * published by their issuer), by a secret-like variable name holding a literal, or by a long random-looking
 * value. Values that refer to a secret instead of holding it (ARNs, SSM paths, dynamic references, KMS
 * ciphertext) are not secrets. Pure functions; they never return the value.
 */

/** CloudTrail's redaction marker: the value is unknown, not this string. */
import { entropy } from '../../secrets/shannon-entropy.ts';
export const REDACTED = 'HIDDEN_DUE_TO_SECURITY_REASONS';

export type Detector =
  | 'aws-access-key-id'
  | 'private-key'
  | 'github-token'
  | 'slack-token'
  | 'slack-webhook'
  | 'stripe-secret-key'
  | 'google-api-key'
  | 'jwt'
  | 'url-credentials'
  | 'secret-name'
  | 'high-entropy';

/** Value formats, most specific first. */
const VALUE_FORMATS: readonly { detector: Detector; pattern: RegExp }[] = [
  { detector: 'aws-access-key-id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b/ },
  { detector: 'private-key', pattern: /-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/ },
  {
    detector: 'github-token',
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,255})\b/,
  },
  { detector: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  {
    detector: 'slack-webhook',
    pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/,
  },
  { detector: 'stripe-secret-key', pattern: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b/ },
  { detector: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { detector: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/ },
  // scheme://user:password@host, with a password that is not a placeholder.
  {
    detector: 'url-credentials',
    pattern: /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:(?!\$\{|\{\{|<)[^/\s@]+@[^\s]+/i,
  },
];

/** Name words that mean "this holds a secret". Matched on the name split at `_`, `-`, `.` and case changes. */
const SECRET_NAME =
  /(?:^|_)(?:PASSWORD|PASSWD|PASSPHRASE|PWD|SECRET|SECRET_KEY|CLIENT_SECRET|TOKEN|ACCESS_TOKEN|AUTH_TOKEN|API_KEY|APIKEY|PRIVATE_KEY|ACCESS_KEY|SIGNING_KEY|ENCRYPTION_KEY|MASTER_KEY|CREDENTIALS?|WEBHOOK_URL|CONNECTION_STRING|DSN)(?:_|$)/;

/** Last name words that mean "this names or configures a secret, it is not the secret". */
const REFERENCE_SUFFIX =
  /_(?:ARN|NAME|ID|IDS|PATH|PARAM|PARAMETER|REF|REGION|TABLE|BUCKET|HEADER|FIELD|TTL|LENGTH|EXPIRY|EXPIRATION|EXPIRES|TIMEOUT|ENDPOINT|ENABLED|TYPE|FILE|LOCATION|VERSION|ROTATION|STORE|PREFIX|KEY_ID)$/;

/** Names of values that are random by design but not secrets. */
const DIGEST_NAME = /(?:^|_)(?:HASH|SHA\d*|CHECKSUM|DIGEST|ETAG|FINGERPRINT|SALT_ID)(?:_|$)/;

/** `myApiKey` → `MY_API_KEY`; `db-password` → `DB_PASSWORD`. */
export function normalizeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}

/** A value that points at a secret held elsewhere, or holds nothing. */
export function isReference(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  if (v.startsWith('arn:')) return true;
  if (v.includes('{{resolve:') || v.startsWith('${ssm:') || v.startsWith('${secretsmanager:')) return true;
  if (/^(?:\/[A-Za-z0-9_.-]+)+\/?$/.test(v)) return true; // SSM parameter path
  if (/^AQ[IE][BC]AH[A-Za-z0-9+/=]{60,}$/.test(v)) return true; // KMS ciphertext (encryption helpers)
  return false;
}

/** Values that cannot be secrets whatever the name: flags, numbers, masks, placeholders. */
function isTrivial(value: string): boolean {
  const v = value.trim();
  return (
    /^(?:true|false|yes|no|on|off|null|none|-?\d+(?:\.\d+)?)$/i.test(v) ||
    /^\*+$/.test(v) ||
    /^<[^>]*>$/.test(v)
  );
}

/** A long token of base64/hex-like characters, mixing upper case, lower case and digits, with high entropy. */
function looksRandom(value: string): boolean {
  if (value.length < 32 || value.length > 4096) return false;
  if (!/^[A-Za-z0-9+/=_-]+$/.test(value)) return false;
  if (!/[A-Z]/.test(value) || !/[a-z]/.test(value) || !/[0-9]/.test(value)) return false;
  return entropy(value) >= 4.5;
}

export type Verdict = { kind: 'secret'; detector: Detector } | { kind: 'redacted' } | { kind: 'none' };

/** What one environment variable holds. */
export function classifyVariable(name: string, value: string): Verdict {
  if (value === REDACTED) return { kind: 'redacted' };
  if (isReference(value)) return { kind: 'none' };
  for (const { detector, pattern } of VALUE_FORMATS) {
    if (pattern.test(value)) return { kind: 'secret', detector };
  }
  const normalized = normalizeName(name);
  if (SECRET_NAME.test(normalized) && !REFERENCE_SUFFIX.test(normalized) && !isTrivial(value)) {
    return { kind: 'secret', detector: 'secret-name' };
  }
  if (!DIGEST_NAME.test(normalized) && looksRandom(value.trim()))
    return { kind: 'secret', detector: 'high-entropy' };
  return { kind: 'none' };
}
