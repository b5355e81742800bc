import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { transitionFromImages } from '../findings/transitions.ts';
import { SEVERITIES } from '../rules/rule-types.ts';
import { type Alert, changeOf } from './alert.ts';
import { findingLife } from './alert-fixtures.ts';
import { buildBatchDigest } from './digest.ts';
import cases from './slack-message.cases.json' with { type: 'json' };
import {
  allBlocks,
  codeBlock,
  renderSlack,
  renderSlackDigest,
  SLACK_LIMITS,
  type SlackMessage,
  slackMessageProblems,
  textLength,
} from './slack-message.ts';

const steps = findingLife();
function alertAt(name: string): Alert {
  const step = steps.find((s) => s.name === name)!;
  return structuredClone(changeOf(step.after, transitionFromImages(step.before, step.after)!));
}

const TEXT_TYPES = new Set(['plain_text', 'mrkdwn']);

/** Block Kit structure, checked independently of the renderer's own limit check. */
function blockKitErrors(message: SlackMessage): string[] {
  const errors: string[] = [];
  const only = (value: object, keys: string[], at: string) => {
    for (const key of Object.keys(value))
      if (!keys.includes(key)) errors.push(`${at}: unexpected key ${key}`);
  };
  const text = (value: unknown, at: string, type?: string) => {
    const t = value as { type?: unknown; text?: unknown; emoji?: unknown };
    if (typeof t !== 'object' || t === null) return errors.push(`${at}: not a text object`);
    only(t, ['type', 'text', 'emoji'], at);
    if (!TEXT_TYPES.has(String(t.type)) || (type && t.type !== type))
      errors.push(`${at}: bad type ${String(t.type)}`);
    if (typeof t.text !== 'string' || t.text.length === 0) errors.push(`${at}: empty or missing text`);
    if (t.emoji !== undefined && t.type !== 'plain_text') errors.push(`${at}: emoji on mrkdwn`);
    return 0;
  };
  only(message, ['text', 'blocks', 'attachments'], 'message');
  if (typeof message.text !== 'string' || message.text === '') errors.push('message: no fallback text');
  for (const [i, attachment] of (message.attachments ?? []).entries()) {
    only(attachment, ['color', 'blocks'], `attachment ${i}`);
    if (!/^#[0-9a-f]{6}$/i.test(attachment.color)) errors.push(`attachment ${i}: colour ${attachment.color}`);
  }
  for (const [i, block] of allBlocks(message).entries()) {
    const at = `block ${i}`;
    switch (block.type) {
      case 'header':
        only(block, ['type', 'text'], at);
        text(block.text, at, 'plain_text');
        break;
      case 'section':
        only(block, ['type', 'text', 'fields'], at);
        if (block.text) text(block.text, at);
        for (const f of block.fields ?? []) text(f, `${at} field`);
        if (!block.text && !block.fields?.length) errors.push(`${at}: empty section`);
        break;
      case 'context':
        only(block, ['type', 'elements'], at);
        for (const e of block.elements) text(e, `${at} element`);
        break;
      case 'divider':
        only(block, ['type'], at);
        break;
      default:
        errors.push(`${at}: unknown type ${(block as { type: string }).type}`);
    }
  }
  return errors;
}

function expectValid(message: SlackMessage): void {
  expect(blockKitErrors(message)).toEqual([]);
  expect(slackMessageProblems(message)).toEqual([]);
  expect(allBlocks(message).length).toBeLessThanOrEqual(50);
}

/** Fenced code blocks in a mrkdwn text: each opens and closes, and nothing inside closes it early. */
function fences(text: string): string[] {
  const parts = text.split('```');
  expect(parts.length % 2, `unbalanced fences in ${text.slice(0, 200)}`).toBe(1);
  return parts.filter((_, i) => i % 2 === 1);
}

describe('Slack message for one alert', () => {
  it.each(cases)('$step', (c) => {
    const message = renderSlack(alertAt(c.step));
    expectValid(message);
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: c.header, emoji: true },
    });
    expect(message.attachments?.[0]?.color).toBe(c.colour);
    const all = JSON.stringify(message);
    expect(all.includes('*How to fix*')).toBe(c.fix);
    expect(all.includes('findings suppress')).toBe(c.fix);
    expect(message.text).toContain('[Tripline]');
    expect(message.text).toContain('lambda-public-invoke');
  });

  it('carries resource, actor, source IP, user agent, event and finding id as fields', () => {
    const message = renderSlack(alertAt('OPENED'));
    const fields = allBlocks(message).flatMap((b) => (b.type === 'section' ? (b.fields ?? []) : []));
    const labels = fields.map((f) => f.text.split('\n')[0]);
    expect(labels).toEqual([
      '*Resource*',
      '*Account*',
      '*Rule*',
      '*Change*',
      '*Actor*',
      '*Source IP*',
      '*User agent*',
      '*Event*',
      '*Finding*',
    ]);
    expect(fields.length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
  });

  it('escapes mentions and links in untrusted values, and keeps code fences closed', () => {
    const alert = alertAt('OPENED');
    alert.finding.trigger!.userAgent = '<!channel> ```escape``` <https://evil.example|click> & more';
    alert.finding.evidence = { statement: 'x```<!here>```y', note: '`'.repeat(10), amp: 'a&b' };
    alert.finding.message = 'function <!everyone> is public';
    const message = renderSlack(alert);
    expectValid(message);
    const all = allBlocks(message)
      .flatMap((b) =>
        b.type === 'section'
          ? [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text)]
          : b.type === 'context'
            ? b.elements.map((e) => e.text)
            : [],
      )
      .join('\n');
    expect(all).not.toMatch(/<!(channel|here|everyone)>/);
    expect(all).not.toContain('<https://');
    expect(all).toContain('&lt;!channel&gt;');
    expect(message.text).not.toContain('<!');
    for (const block of allBlocks(message)) {
      if (block.type === 'section' && block.text)
        for (const inner of fences(block.text.text)) expect(inner).not.toContain('```');
    }
  });

  it('cuts huge evidence inside its code block, within the section limit', () => {
    const alert = alertAt('OPENED');
    alert.finding.evidence = {
      statements: Array.from({ length: 2000 }, (_, i) => `Statement ${i} & <more>`),
    };
    const message = renderSlack(alert);
    expectValid(message);
    const evidence = allBlocks(message).find(
      (b) => b.type === 'section' && b.text?.text.startsWith('*Evidence*'),
    );
    const text = evidence?.type === 'section' ? (evidence.text?.text ?? '') : '';
    expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(text).toMatch(/… \(cut: \d+ characters in all\)\n```$/);
    expect(fences(text)).toHaveLength(1);
  });

  it('codeBlock: fenced, bounded, never closed early, no half entity or surrogate (any input)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 400 }),
        fc.integer({ min: 40, max: 3000 }),
        (raw, max) => {
          const block = codeBlock(`${raw}\`\`\`<&>`, max);
          expect(block.length).toBeLessThanOrEqual(max);
          expect(block.startsWith('```\n')).toBe(true);
          expect(block.endsWith('\n```')).toBe(true);
          const inner = block.slice(4, -4);
          expect(inner).not.toContain('```');
          expect(inner).not.toMatch(/[<>]/);
          expect(inner).not.toMatch(/&(?!amp;|lt;|gt;)/);
          expect(inner).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
        },
      ),
    );
  });

  it('stays within every limit for every severity', () => {
    for (const severity of SEVERITIES) {
      const alert = alertAt('OPENED');
      alert.transition.toSeverity = severity;
      alert.finding.title = 'T'.repeat(400);
      alert.finding.message = 'M'.repeat(5000);
      alert.finding.remediation = { summary: 'S'.repeat(4000), cli: `aws ${'x'.repeat(2000)}` };
      alert.finding.rationale = 'R'.repeat(5000);
      expectValid(renderSlack(alert));
    }
  });
});

describe('Slack digest', () => {
  function manyAlerts(count: number, rules: number): Alert[] {
    return Array.from({ length: count }, (_, i) => {
      const alert = alertAt('OPENED');
      alert.id = `al-${i}`;
      alert.finding.id = `tl-${String(i).padStart(20, '0')}`;
      alert.finding.ruleId = `rule-${i % rules}`;
      alert.finding.resource = `arn:aws:iam::111122223333:role/stack-Role${i}`;
      alert.transition.toSeverity = SEVERITIES[i % SEVERITIES.length]!;
      return alert;
    });
  }

  it('200 changes of 3 rules: one message, grouped by rule and severity', () => {
    const message = renderSlackDigest(buildBatchDigest(manyAlerts(200, 3), new Date('2026-12-01T10:00:00Z')));
    expectValid(message);
    expect(message.text).toBe(
      'Tripline digest: 200 finding changes (40 critical, 40 high, 40 medium, 40 low, 40 info)',
    );
    const groups = message.blocks.filter(
      (b) => b.type === 'section' && /^:\w+: \*[A-Z]+\* `rule-/.test(b.text?.text ?? ''),
    );
    expect(groups).toHaveLength(15);
    expect(JSON.stringify(groups[0])).toContain('*CRITICAL*');
  });

  it('many groups: at most 50 blocks and the text budget, the rest summarised', () => {
    const message = renderSlackDigest(
      buildBatchDigest(manyAlerts(600, 120), new Date('2026-12-01T10:00:00Z')),
    );
    expectValid(message);
    expect(textLength(message.blocks)).toBeLessThanOrEqual(SLACK_LIMITS.totalText);
    expect(JSON.stringify(message)).toMatch(/… and \d+ more groups \(\d+ in all\)/);
  });
});
