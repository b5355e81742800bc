/**
 * Redacts secret-looking strings from evidence before it is stored (the table is read by the notifier, the CLI
 * and anyone with table access, and its stream reaches chat channels). Values are replaced by
 * `[REDACTED:<kind>]`; identifiers that are not secrets (ARNs, account ids, unique ids such as `AROA…`, event
 * ids, CloudTrail's `HIDDEN_DUE_TO_SECURITY_REASONS` marker) are kept. Pure functions.
 */

import type { Evidence, EvidenceValue } from '../rules/rule-types.ts';
import { entropy } from '../secrets/shannon-entropy.ts';

export type RedactionKind =
  | 'private-key'
  | 'aws-access-key-id'
  | 'jwt'
  | 'github-token'
  | 'slack-token'
  | 'slack-webhook'
  | 'stripe-key'
  | 'google-api-key'
  | 'bearer-token'
  | 'url-password'
  | 'secret-field'
  | 'base64'
  | 'hex';

export function redactionMarker(kind: RedactionKind): string {
  return `[REDACTED:${kind}]`;
}

/** Formats published by their issuers, most specific first. Each pattern is global and matches a substring. */
const FORMATS: readonly { kind: RedactionKind; pattern: RegExp; replace?: (match: string) => string }[] = [
  {
    kind: 'private-key',
    pattern:
      /-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  },
  { kind: 'aws-access-key-id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b/g },
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g },
  { kind: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { kind: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  {
    kind: 'slack-webhook',
    pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]+/g,
  },
  { kind: 'stripe-key', pattern: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b/g },
  { kind: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  {
    kind: 'bearer-token',
    pattern: /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{16,}/gi,
    replace: (match) => `${match.split(/\s+/)[0]} ${redactionMarker('bearer-token')}`,
  },
  {
    kind: 'url-password',
    // scheme://user:password@host → keeps scheme, user and host.
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^/\s@]+@/gi,
    replace: (match) =>
      `${match.slice(0, match.indexOf(':', match.indexOf('//')) + 1)}${redactionMarker('url-password')}@`,
  },
];

/** Runs of base64 or hex characters long enough to be keys (URL-safe tokens are caught by their formats). */
const BASE64_RUN = /[A-Za-z0-9+/]{32,}={0,2}/g;
const HEX_RUN = /\b[0-9a-fA-F]{32,}\b/g;

/** Evidence keys whose string values are secrets by name (a key ending in Arn/Name/Id only names one). */
const SECRET_KEY = /(?:password|passwd|passphrase|secret|token|api[-_]?key|private[-_]?key|credential)s?$/i;
const REFERENCE_KEY = /(?:arn|name|names|id|ids|path|ref|type|kind|detector|length|count)$/i;

/** Random-looking: upper case, lower case and digits mixed, high entropy, and not an ARN-like path. */
function looksLikeBase64Secret(run: string): boolean {
  const body = run.replace(/=+$/, '');
  if (!/[A-Z]/.test(body) || !/[a-z]/.test(body) || !/[0-9]/.test(body)) return false;
  return entropy(body) >= 4.2;
}

function looksLikeHexSecret(run: string): boolean {
  return /[0-9]/.test(run) && /[a-fA-F]/.test(run) && entropy(run.toLowerCase()) >= 3;
}

/** ARNs name resources; their path segments (`role/app/Worker1`) are never keys. */
const ARN_TOKEN = /\barn:[a-z0-9-]+:[a-z0-9-]*:[a-z0-9-]*:(?:\d{12}|aws)?:[^\s"',;)\]}]*/g;

/** Redacts secret-looking substrings of one string. */
export function redactText(text: string): string {
  if (text.length < 16) return text;
  let out = text;
  for (const { kind, pattern, replace } of FORMATS) {
    out = out.replace(pattern, (match) => (replace ? replace(match) : redactionMarker(kind)));
  }
  // Generic runs: checked outside ARNs only.
  const pieces: string[] = [];
  let at = 0;
  for (const arn of out.matchAll(ARN_TOKEN)) {
    pieces.push(redactRuns(out.slice(at, arn.index)), arn[0]);
    at = arn.index + arn[0].length;
  }
  pieces.push(redactRuns(out.slice(at)));
  return pieces.join('');
}

function redactRuns(text: string): string {
  if (text.length < 32) return text;
  return text
    .replace(HEX_RUN, (run) => (looksLikeHexSecret(run) ? redactionMarker('hex') : run))
    .replace(BASE64_RUN, (run) => (looksLikeBase64Secret(run) ? redactionMarker('base64') : run));
}

function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !REFERENCE_KEY.test(key);
}

function redactValue(value: EvidenceValue, secretByName: boolean): EvidenceValue {
  if (typeof value === 'string') {
    if (secretByName && value !== '' && !value.startsWith('arn:')) return redactionMarker('secret-field');
    return redactText(value);
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secretByName));
  if (value !== null && typeof value === 'object') return redactEvidence(value);
  return value;
}

/** A copy of the evidence with secret-looking strings (in keys' values, at any depth) redacted. */
export function redactEvidence(evidence: Evidence): Evidence {
  const out: Evidence = {};
  for (const [key, value] of Object.entries(evidence)) {
    out[key] = redactValue(value, isSecretKey(key));
  }
  return out;
}
