/**
 * Email alerts (published to the SNS topic): an ASCII subject under SNS's limit, a plain-text body that says
 * what changed, who did it, when, why it matters and how to fix it, and message attributes that subscription
 * filter policies match on (`severity`, `ruleId`, `status`, `account`). Pure.
 *
 * SNS limits: the subject must be ASCII without line breaks and shorter than 100 characters; a message (body and
 * attributes together) is at most 256 KB. Evidence is what gets cut first; then the body itself.
 */
import type { Severity } from '../rules/rule-types.ts';
import type { Alert } from './alert.ts';
import {
  actorDetails,
  formatLatency,
  formatTime,
  listCommand,
  noActorExplanation,
  severityLabel,
  shortResourceName,
  showCommand,
  suppressCommand,
  transitionPhrase,
  transitionTag,
  whyItMatters,
} from './alert-wording.ts';
import { type Digest, highestSeverity, labelSummary, severitySummary } from './digest.ts';
import { evidenceText } from './evidence-text.ts';
import {
  asciiOnly,
  truncateChars,
  truncateUtf8,
  utf8Length,
  withoutControlCharacters,
} from './text-fitting.ts';

/** SNS: subjects are "less than 100 characters". */
export const SNS_SUBJECT_MAX = 99;
/** SNS: body and attributes together, 256 KiB. */
export const SNS_MESSAGE_MAX_BYTES = 262_144;
/** Left free for attribute names, types and encoding overhead. */
const ATTRIBUTE_ALLOWANCE_BYTES = 2_048;

export interface EmailMessage {
  subject: string;
  body: string;
  /** String message attributes (names and values). */
  attributes: Record<string, string>;
}

export interface EmailOptions {
  /** Body budget in bytes (default: what SNS allows after the attributes). */
  maxBodyBytes?: number;
  /** A test message (`tripline alerts test`): says so in the subject and the attributes. */
  test?: boolean;
}

const PREFIX = '[Tripline]';

/**
 * `[Tripline] CRITICAL lambda-public-invoke on my-function`, `… on my-function - resolved`. The resource name is
 * what gets shortened; then the whole subject, which stays ASCII and under the SNS limit.
 */
export function emailSubject(parts: {
  severity: Severity;
  ruleId: string;
  resource: string;
  tag?: string;
  test?: boolean;
}): string {
  const head = `${asciiOnly(`${PREFIX}${parts.test ? ' TEST' : ''} ${severityLabel(parts.severity)} ${parts.ruleId}`)} on `;
  const tail = parts.tag ? ` - ${asciiOnly(parts.tag)}` : '';
  const name = asciiOnly(shortResourceName(parts.resource)) || '?';
  const room = SNS_SUBJECT_MAX - head.length - tail.length;
  const subject = room >= 8 ? head + truncateChars(name, room, '...') + tail : head + name + tail;
  return truncateChars(subject, SNS_SUBJECT_MAX, '...');
}

function attributesFor(alert: Alert, test: boolean): Record<string, string> {
  const attributes: Record<string, string> = {
    severity: alert.transition.toSeverity,
    ruleId: alert.finding.ruleId,
    status: alert.finding.status,
    account: alert.finding.accountId,
    transition: alert.transition.kind,
    alertId: alert.id,
  };
  if (test) attributes['test'] = 'true';
  return attributes;
}

export function attributeBytes(attributes: Record<string, string>): number {
  return Object.entries(attributes).reduce(
    (sum, [name, value]) => sum + utf8Length(name) + utf8Length(value) + utf8Length('String'),
    0,
  );
}

function bodyBudget(attributes: Record<string, string>, options: EmailOptions): number {
  return (
    options.maxBodyBytes ?? SNS_MESSAGE_MAX_BYTES - attributeBytes(attributes) - ATTRIBUTE_ALLOWANCE_BYTES
  );
}

function line(label: string, value: string | undefined): string[] {
  return value === undefined || value === '' ? [] : [`  ${`${label}:`.padEnd(12)} ${value}`];
}

/** Renders lines with the evidence as big as the budget allows, then cuts the whole body if still too big. */
function fitBody(before: string[], evidence: string | undefined, after: string[], maxBytes: number): string {
  const frame = [...before, ...(evidence === undefined ? [] : ['Evidence', '']), ...after].join('\n');
  let body = frame;
  if (evidence !== undefined) {
    const room = maxBytes - utf8Length(frame) - 2;
    const indented = evidence
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n');
    const fitted =
      room > 200
        ? truncateUtf8(
            indented,
            room,
            `\n  … (evidence cut to fit the ${Math.floor(maxBytes / 1024)} KB limit)`,
          )
        : '  (evidence left out: the message is too large)';
    body = [...before, 'Evidence', fitted, '', ...after].join('\n');
  }
  return truncateUtf8(body, maxBytes, '\n… (message cut to fit the size limit)');
}

/** The email for one alert. */
export function renderEmail(alert: Alert, options: EmailOptions = {}): EmailMessage {
  const { finding, transition } = alert;
  const test = options.test === true;
  const attributes = attributesFor(alert, test);
  const severity = transition.toSeverity;
  const resolved = transition.kind === 'RESOLVED';
  const who = actorDetails(alert);
  const subject = emailSubject({
    severity,
    ruleId: finding.ruleId,
    resource: finding.resource,
    tag: transitionTag(transition.kind),
    test,
  });

  const before: string[] = [
    ...(test ? ['THIS IS A TEST MESSAGE from `tripline alerts test`: no action is needed.', ''] : []),
    `${severityLabel(severity)}: ${withoutControlCharacters(finding.title)}`,
    `Finding ${transitionPhrase(transition)} on ${shortResourceName(finding.resource)} at ${formatTime(transition.at)}.`,
    '',
    'What changed',
    `  ${withoutControlCharacters(resolved ? transition.reason : finding.message)}`,
    ...line('Resource', finding.resource),
    ...line('Account', `${finding.accountId} (${finding.region})`),
    ...line('Rule', `${finding.ruleId} (severity ${severity})`),
    ...line('Status', `${transition.from ?? 'new'} -> ${transition.to}`),
    '',
    'Who did it',
    ...(who.actor === undefined && who.eventName === undefined
      ? [`  Nobody known: ${noActorExplanation(alert)}.`]
      : [
          ...line('Actor', who.actor),
          ...line('Source IP', who.sourceIp),
          ...line('User agent', who.userAgent),
          ...line('Event', who.eventName && `${who.eventName} (event id ${who.eventId ?? 'unknown'})`),
        ]),
    '',
    'When',
    ...line('Event time', who.eventTime && formatTime(who.eventTime)),
    ...line('Recorded', formatTime(transition.at)),
    ...line('Latency', formatLatency(finding.detectionLatencyMs)),
    ...line('First seen', formatTime(finding.firstSeen)),
    '',
  ];
  if (!resolved) {
    before.push('Why it matters', `  ${withoutControlCharacters(whyItMatters(finding))}`, '');
    before.push('How to fix', `  ${withoutControlCharacters(finding.remediation.summary)}`);
    if (finding.remediation.cli) before.push('', '  With the AWS CLI:', `    ${finding.remediation.cli}`);
    if (finding.remediation.cdk) before.push('', '  In CDK:', `    ${finding.remediation.cdk}`);
    before.push('');
  }
  const after: string[] = [
    `Finding id: ${finding.id}  (details and history: ${showCommand(finding.id)})`,
    ...(resolved
      ? []
      : [
          '',
          'If this is intended, accept the risk for this finding only:',
          `  ${suppressCommand(finding.id)}`,
        ]),
    '',
    `-- Tripline alert ${alert.id}`,
  ];
  const evidence =
    Object.keys(finding.evidence ?? {}).length > 0 ? evidenceText(finding.evidence) : undefined;
  const body = fitBody(before, evidence, after, bodyBudget(attributes, options));
  return { subject, body, attributes };
}

const EXAMPLES_PER_GROUP = 25;

/** One email for a digest (a large batch, or the daily list of open findings). */
export function renderEmailDigest(digest: Digest, options: EmailOptions = {}): EmailMessage {
  const severity = highestSeverity(digest);
  const rules = new Set(digest.groups.map((g) => g.ruleId));
  const attributes: Record<string, string> = {
    severity,
    ruleId: rules.size === 1 ? [...rules][0]! : 'multiple',
    status: digest.kind === 'daily' ? 'DAILY_DIGEST' : 'DIGEST',
    account: digest.accounts.length === 1 ? digest.accounts[0]! : 'multiple',
    alertId: digest.id,
  };
  const what = digest.kind === 'daily' ? 'Daily digest' : 'Digest';
  const subject = truncateChars(
    asciiOnly(`${PREFIX} ${what}: ${digest.headline} (${severitySummary(digest)})`),
    SNS_SUBJECT_MAX,
    '...',
  );
  const intro =
    digest.kind === 'daily'
      ? `Open findings on ${digest.generatedAt.slice(0, 10)}, grouped by rule and severity.` +
        (digest.partial ? ' Only part of them were read: the counts are a lower bound.' : '')
      : `${digest.headline} arrived together (a deployment, or a change to many resources), so they are ` +
        'summarised in one message instead of one message each.';
  const lines: string[] = [
    intro,
    '',
    `By severity: ${severitySummary(digest)}`,
    ...(digest.kind === 'batch' ? [`By change:   ${labelSummary(digest.byLabel)}`] : []),
    `Accounts:    ${digest.accounts.join(', ')}`,
    '',
  ];
  for (const group of digest.groups) {
    lines.push(`${severityLabel(group.severity)}  ${group.ruleId}: ${withoutControlCharacters(group.title)}`);
    lines.push(`  ${labelSummary(group.byLabel)}`);
    for (const entry of group.entries.slice(0, EXAMPLES_PER_GROUP)) {
      const label = digest.kind === 'batch' ? `, ${entry.label}` : '';
      lines.push(`  - ${entry.resource}  (${entry.findingId}${label})`);
    }
    if (group.entries.length > EXAMPLES_PER_GROUP) {
      lines.push(`  … and ${group.entries.length - EXAMPLES_PER_GROUP} more`);
    }
    lines.push('');
  }
  lines.push(
    'To list the findings of one rule:',
    `  ${listCommand('<rule id>')}`,
    'To accept the risk of one finding:',
    `  ${suppressCommand('<finding id>')}`,
    '',
    `-- Tripline ${digest.kind === 'daily' ? 'daily digest' : 'digest'} ${digest.id}`,
  );
  const body = truncateUtf8(
    lines.join('\n'),
    bodyBudget(attributes, options),
    '\n… (digest cut to fit the size limit)',
  );
  return { subject, body, attributes };
}
