/**
 * Slack alerts as Block Kit (incoming webhooks): a header with the severity emoji, the finding, a colour bar by
 * severity (an attachment holding the detail blocks), fields, the evidence as a code block, how to fix it, a
 * context line, and a plain `text` fallback for notifications. Pure.
 *
 * Limits kept (Slack's documented ones, and `msg_blocks_too_long`, seen from about 13,000 characters of block
 * text in one message): at most 50 blocks (top level and attachments together), header 150 characters, section
 * text 3,000, at most 10 fields of 2,000, context at most 10 elements, about 11,000 characters of text in all.
 * Everything that reaches mrkdwn is escaped (`&`, `<`, `>`), so a resource name or user agent cannot mention
 * `@channel` or forge a link, and code blocks can never be closed early by the text inside them.
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
  suppressCommand,
  transitionPhrase,
  whyItMatters,
} from './alert-wording.ts';
import { type Digest, highestSeverity, labelSummary, severitySummary } from './digest.ts';
import { evidenceText } from './evidence-text.ts';
import { ELLIPSIS, singleLine, truncateChars, withoutControlCharacters } from './text-fitting.ts';

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface MarkdownText {
  type: 'mrkdwn';
  text: string;
}
export type TextObject = PlainText | MarkdownText;

export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' };

export interface SlackAttachment {
  color: string;
  blocks: SlackBlock[];
}

/** The JSON body of an incoming-webhook POST. */
export interface SlackMessage {
  /** Notification and fallback text (mrkdwn). */
  text: string;
  blocks: SlackBlock[];
  attachments?: SlackAttachment[];
}

export const SLACK_LIMITS = {
  blocks: 50,
  header: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 2000,
  fallbackText: 3000,
  /** Total characters of text in blocks: below the `msg_blocks_too_long` threshold seen in practice. */
  totalText: 11_000,
} as const;

export const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  info: ':white_circle:',
};
export const RESOLVED_EMOJI = ':white_check_mark:';

export const SEVERITY_COLOUR: Record<Severity, string> = {
  critical: '#b3001b',
  high: '#e8590c',
  medium: '#f2c744',
  low: '#2b7bb9',
  info: '#9e9e9e',
};
export const RESOLVED_COLOUR = '#2eb67d';

/** Escapes the three characters Slack's mrkdwn gives meaning to (mentions, links, entities). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts escaped mrkdwn to `max` characters without leaving half an entity (`&am`) behind. */
export function truncateMrkdwn(escaped: string, max: number, marker = ELLIPSIS): string {
  if (escaped.length <= max) return escaped;
  if (max <= marker.length) return marker.slice(0, Math.max(0, max));
  let cut = escaped.slice(0, max - marker.length);
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  // Never end on half a surrogate pair.
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut + marker;
}

/** One line of untrusted text for mrkdwn: control characters gone, escaped, bounded. */
export function inlineText(text: string, max: number): string {
  return truncateMrkdwn(escapeMrkdwn(singleLine(text)), max);
}

/** Inline code (`…`) that the text inside cannot close. */
export function inlineCode(text: string, max: number): string {
  return `\`${truncateMrkdwn(escapeMrkdwn(singleLine(text).replace(/`/g, "'")), max - 2)}\``;
}

/**
 * A fenced code block of at most `max` characters. Every backtick inside is followed by a zero-width space, so
 * no run of three can close the fence; the cut (if any) is inside the fence and says so.
 */
export function codeBlock(raw: string, max: number): string {
  const fence = '```';
  const body = escapeMrkdwn(withoutControlCharacters(raw).replace(/`/g, '`\u200b'));
  const room = max - 2 * fence.length - 2;
  const marker = `\n${ELLIPSIS} (cut: ${raw.length} characters in all)`;
  return `${fence}\n${truncateMrkdwn(body, room, marker)}\n${fence}`;
}

function mrkdwn(text: string): MarkdownText {
  return { type: 'mrkdwn', text };
}

function section(text: string): SlackBlock {
  return { type: 'section', text: mrkdwn(truncateMrkdwn(text, SLACK_LIMITS.sectionText)) };
}

function header(text: string): SlackBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: truncateChars(singleLine(text), SLACK_LIMITS.header), emoji: true },
  };
}

function field(label: string, value: string): MarkdownText {
  return mrkdwn(truncateMrkdwn(`*${label}*\n${value}`, SLACK_LIMITS.fieldText));
}

function context(parts: string[]): SlackBlock {
  return {
    type: 'context',
    elements: parts
      .slice(0, SLACK_LIMITS.contextElements)
      .map((p) => mrkdwn(truncateMrkdwn(p, SLACK_LIMITS.contextText))),
  };
}

function fallback(text: string): string {
  return truncateMrkdwn(escapeMrkdwn(singleLine(text)), SLACK_LIMITS.fallbackText);
}

/** The Slack message for one alert. */
export function renderSlack(alert: Alert, options: { test?: boolean } = {}): SlackMessage {
  const { finding, transition } = alert;
  const severity = transition.toSeverity;
  const resolved = transition.kind === 'RESOLVED';
  const name = shortResourceName(finding.resource);
  const phrase = transitionPhrase(transition);
  const testTag = options.test ? 'TEST ' : '';
  const emoji = resolved ? RESOLVED_EMOJI : SEVERITY_EMOJI[severity];
  const who = actorDetails(alert);

  const blocks: SlackBlock[] = [
    header(`${emoji} ${testTag}${severityLabel(severity)} ${finding.ruleId} ${phrase} on ${name}`),
    section(
      (options.test ? '*This is a test message from `tripline alerts test`: no action is needed.*\n' : '') +
        `*${inlineText(finding.title, 300)}*\n` +
        truncateMrkdwn(
          escapeMrkdwn(withoutControlCharacters(resolved ? transition.reason : finding.message)),
          2000,
        ),
    ),
  ];

  const fields: MarkdownText[] = [
    field('Resource', inlineCode(finding.resource, 600)),
    field('Account', `${inlineText(finding.accountId, 40)} (${inlineText(finding.region, 40)})`),
    field('Rule', `${inlineCode(finding.ruleId, 200)} · ${severity}`),
    field('Change', `${transition.from ?? 'new'} → ${transition.to} at ${formatTime(transition.at)}`),
  ];
  if (who.actor !== undefined || who.eventName !== undefined) {
    if (who.actor !== undefined) fields.push(field('Actor', inlineCode(who.actor, 600)));
    if (who.sourceIp !== undefined) fields.push(field('Source IP', inlineText(who.sourceIp, 100)));
    if (who.userAgent !== undefined) fields.push(field('User agent', inlineCode(who.userAgent, 600)));
    if (who.eventName !== undefined) {
      const at = who.eventTime ? ` at ${inlineText(formatTime(who.eventTime), 60)}` : '';
      fields.push(field('Event', `${inlineCode(who.eventName, 200)}${at}`));
    }
  } else {
    fields.push(field('Who', inlineText(noActorExplanation(alert), 300)));
  }
  fields.push(field('Finding', inlineCode(finding.id, 100)));

  const detail: SlackBlock[] = [{ type: 'section', fields: fields.slice(0, SLACK_LIMITS.fields) }];
  if (!resolved) {
    detail.push(
      section(`*Why it matters*\n${escapeMrkdwn(withoutControlCharacters(whyItMatters(finding)))}`), // no code inside: a cut is safe
    );
    const summary = escapeMrkdwn(withoutControlCharacters(finding.remediation.summary));
    const fix = [`*How to fix*\n${truncateMrkdwn(summary, 1800)}`];
    if (finding.remediation.cli) fix.push(codeBlock(finding.remediation.cli, 800));
    detail.push(section(fix.join('\n')));
  }
  if (Object.keys(finding.evidence ?? {}).length > 0) {
    detail.push(section(`*Evidence*\n${codeBlock(evidenceText(finding.evidence), 2400)}`));
  }
  if (!resolved) {
    detail.push(
      section(
        `*If this is intended*, accept the risk for this finding only:\n${codeBlock(suppressCommand(finding.id), 400)}`,
      ),
    );
  }
  const latency = formatLatency(finding.detectionLatencyMs);
  detail.push(
    context([
      `Tripline · ${inlineText(finding.accountId, 40)} · recorded ${formatTime(transition.at)}` +
        (latency ? ` · detected ${latency} after the event` : ''),
      `alert ${alert.id}`,
    ]),
  );

  return {
    text: fallback(
      `${testTag}[Tripline] ${severityLabel(severity)} ${finding.ruleId} ${phrase} on ${name}: ${finding.title}`,
    ),
    blocks,
    attachments: [{ color: resolved ? RESOLVED_COLOUR : SEVERITY_COLOUR[severity], blocks: detail }],
  };
}

const EXAMPLES_PER_GROUP = 5;

/** One Slack message for a digest: one section per (rule, severity) group while blocks and text last. */
export function renderSlackDigest(digest: Digest): SlackMessage {
  const what = digest.kind === 'daily' ? 'Tripline daily digest' : 'Tripline digest';
  const summary = [
    `*By severity:* ${severitySummary(digest)}`,
    ...(digest.kind === 'batch' ? [`*By change:* ${labelSummary(digest.byLabel)}`] : []),
    `*Accounts:* ${inlineText(digest.accounts.join(', '), 500)}`,
  ];
  if (digest.kind === 'batch') {
    summary.unshift(
      `${digest.headline} arrived together (a deployment, or a change to many resources): one summary instead of one message each.`,
    );
  } else if (digest.partial) {
    summary.unshift('Only part of the open findings were read: the counts are a lower bound.');
  }
  const head: SlackBlock[] = [
    header(`${SEVERITY_EMOJI[highestSeverity(digest)]} ${what}: ${digest.headline}`),
    section(summary.join('\n')),
    { type: 'divider' },
  ];
  const tail: SlackBlock[] = [
    section(
      `To list the findings of one rule, or accept the risk of one finding:\n${codeBlock(
        `${listCommand('<rule id>')}\n${suppressCommand('<finding id>')}`,
        400,
      )}`,
    ),
    context([`Tripline · ${digest.kind === 'daily' ? 'daily digest' : 'digest'} ${digest.id}`]),
  ];
  const room = SLACK_LIMITS.blocks - head.length - tail.length - 1; // one left for "and N more groups"
  let textUsed = textLength([...head, ...tail]);
  const groupBlocks: SlackBlock[] = [];
  let shown = 0;
  for (const group of digest.groups) {
    if (groupBlocks.length >= room) break;
    const lines = [
      `${SEVERITY_EMOJI[group.severity]} *${severityLabel(group.severity)}* ${inlineCode(group.ruleId, 120)} ${inlineText(group.title, 200)}`,
      labelSummary(group.byLabel),
      ...group.entries
        .slice(0, EXAMPLES_PER_GROUP)
        .map((e) => `• ${inlineCode(shortResourceName(e.resource), 120)} ${inlineCode(e.findingId, 40)}`),
      ...(group.entries.length > EXAMPLES_PER_GROUP
        ? [`… and ${group.entries.length - EXAMPLES_PER_GROUP} more`]
        : []),
    ];
    const block = section(lines.join('\n'));
    const size = textLength([block]);
    if (textUsed + size > SLACK_LIMITS.totalText - 300) break;
    textUsed += size;
    groupBlocks.push(block);
    shown += 1;
  }
  const hidden = digest.groups.slice(shown);
  if (hidden.length > 0) {
    const changes = hidden.reduce((sum, g) => sum + g.count, 0);
    groupBlocks.push(
      section(`… and ${hidden.length} more group${hidden.length === 1 ? '' : 's'} (${changes} in all).`),
    );
  }
  return {
    text: fallback(`${what}: ${digest.headline} (${severitySummary(digest)})`),
    blocks: [...head, ...groupBlocks, ...tail],
  };
}

function textOf(text: TextObject | undefined): number {
  return text?.text.length ?? 0;
}

/** Characters of text in blocks (what Slack's total-length check counts). */
export function textLength(blocks: readonly SlackBlock[]): number {
  let total = 0;
  for (const block of blocks) {
    if (block.type === 'header') total += textOf(block.text);
    else if (block.type === 'section') {
      total += textOf(block.text);
      for (const f of block.fields ?? []) total += textOf(f);
    } else if (block.type === 'context') for (const e of block.elements) total += textOf(e);
  }
  return total;
}

/** Every block of the message, top level and attachments. */
export function allBlocks(message: SlackMessage): SlackBlock[] {
  return [...message.blocks, ...(message.attachments ?? []).flatMap((a) => a.blocks)];
}

/** Limit problems in a message (empty when it is within every limit this module keeps). */
export function slackMessageProblems(message: SlackMessage): string[] {
  const problems: string[] = [];
  const blocks = allBlocks(message);
  if (message.text.trim() === '') problems.push('no fallback text');
  if (message.text.length > SLACK_LIMITS.fallbackText) problems.push('fallback text too long');
  if (blocks.length > SLACK_LIMITS.blocks)
    problems.push(`${blocks.length} blocks (max ${SLACK_LIMITS.blocks})`);
  if (textLength(blocks) > SLACK_LIMITS.totalText) problems.push(`${textLength(blocks)} characters of text`);
  blocks.forEach((block, i) => {
    const at = `block ${i} (${block.type})`;
    if (block.type === 'header') {
      if (block.text.type !== 'plain_text') problems.push(`${at}: header text must be plain_text`);
      if (block.text.text.length > SLACK_LIMITS.header) problems.push(`${at}: header too long`);
      if (block.text.text.trim() === '') problems.push(`${at}: empty header`);
    } else if (block.type === 'section') {
      if (block.text === undefined && (block.fields ?? []).length === 0)
        problems.push(`${at}: empty section`);
      if (block.text && block.text.text.length > SLACK_LIMITS.sectionText)
        problems.push(`${at}: text too long`);
      if (block.text && block.text.text.trim() === '') problems.push(`${at}: empty text`);
      const fields = block.fields ?? [];
      if (fields.length > SLACK_LIMITS.fields) problems.push(`${at}: ${fields.length} fields`);
      for (const f of fields)
        if (f.text.length > SLACK_LIMITS.fieldText) problems.push(`${at}: field too long`);
    } else if (block.type === 'context') {
      if (block.elements.length === 0 || block.elements.length > SLACK_LIMITS.contextElements)
        problems.push(`${at}: ${block.elements.length} elements`);
    }
  });
  return problems;
}
