import { describe, expect, it } from 'vitest';
import { transitionFromImages } from '../findings/transitions.ts';
import type { Severity } from '../rules/rule-types.ts';
import { changeOf } from './alert.ts';
import { findingLife } from './alert-fixtures.ts';
import { buildBatchDigest } from './digest.ts';
import {
  emailSubject,
  renderEmail,
  renderEmailDigest,
  SNS_MESSAGE_MAX_BYTES,
  SNS_SUBJECT_MAX,
} from './email-message.ts';
import subjectCases from './email-subject.cases.json' with { type: 'json' };
import { checkSnsLimits } from './sns-email-sender.ts';
import { utf8Length } from './text-fitting.ts';

const steps = findingLife();
const alertAt = (name: string) => {
  const step = steps.find((s) => s.name === name)!;
  return structuredClone(changeOf(step.after, transitionFromImages(step.before, step.after)!));
};

describe('email subject', () => {
  it.each(
    subjectCases as {
      name: string;
      input: { severity: Severity; ruleId: string; resource: string; tag?: string; test?: boolean };
      expect: string;
    }[],
  )('$name', ({ input, expect: want }) => {
    const subject = emailSubject(input);
    expect(subject).toBe(want);
    expect(subject.length).toBeLessThanOrEqual(SNS_SUBJECT_MAX);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });

  it('stays under 100 ASCII characters whatever the rule id and resource', () => {
    const subject = emailSubject({
      severity: 'critical',
      ruleId: 'r'.repeat(150),
      resource: `arn:aws:iam::111122223333:role/${'ü'.repeat(300)}`,
      tag: 'severity raised',
    });
    expect(subject.length).toBeLessThanOrEqual(SNS_SUBJECT_MAX);
    expect(subject).toMatch(/^\[Tripline\] CRITICAL r+\.\.\.$/);
  });
});

describe('email body', () => {
  it('says what changed, who, when, why, how to fix, the finding id and the suppress command', () => {
    const email = renderEmail(alertAt('OPENED'));
    const { body } = email;
    expect(email.subject).toBe('[Tripline] HIGH lambda-public-invoke on my-function');
    for (const section of [
      'What changed',
      'Who did it',
      'When',
      'Why it matters',
      'How to fix',
      'Evidence',
    ]) {
      expect(body).toContain(`\n${section}\n`);
    }
    expect(body).toContain('arn:aws:iam::111122223333:user/alice');
    expect(body).toContain('203.0.113.10');
    expect(body).toContain('aws-cli/2.15.0 Python/3.11 Linux');
    expect(body).toContain('AddPermission20150331v2');
    expect(body).toContain('Event time:  2026-12-01 09:59:30 UTC');
    expect(body).toContain('Latency:     35 s');
    expect(body).toContain('aws lambda remove-permission --function-name FUNCTION --statement-id SID');
    expect(body).toContain(`Finding id: ${email.attributes['alertId'] && alertAt('OPENED').finding.id}`);
    expect(body).toContain(`tripline findings suppress ${alertAt('OPENED').finding.id} --reason`);
    expect(email.attributes).toEqual({
      severity: 'high',
      ruleId: 'lambda-public-invoke',
      status: 'OPEN',
      account: '111122223333',
      transition: 'OPENED',
      alertId: alertAt('OPENED').id,
    });
  });

  it('uses the rule rationale for "why it matters" when the record carries one', () => {
    const alert = alertAt('OPENED');
    alert.finding.rationale = 'Any AWS account can run the function, with its role and its cost.';
    expect(renderEmail(alert).body).toContain('Why it matters\n  Any AWS account can run the function');
  });

  it('a resolution says who resolved it and why, without fix or suppress instructions', () => {
    const email = renderEmail(alertAt('RESOLVED by hand'));
    expect(email.subject).toBe('[Tripline] CRITICAL lambda-public-invoke on my-function - resolved');
    expect(email.body).toContain('manual: fixed by hand');
    expect(email.body).toContain('arn:aws:iam::111122223333:user/bob');
    expect(email.body).not.toContain('How to fix');
    expect(email.body).not.toContain('findings suppress');
  });

  it('a change found by the sweep says the caller is unknown', () => {
    const alert = alertAt('OPENED');
    delete alert.finding.trigger;
    delete alert.transition.actor;
    delete alert.transition.eventId;
    delete alert.finding.actorArn;
    expect(renderEmail(alert).body).toContain('Nobody known: found by a scheduled sweep');
  });

  it('cuts huge evidence to stay within the SNS message limit (body and attributes)', () => {
    const alert = alertAt('OPENED');
    alert.finding.evidence = {
      statements: Array.from({ length: 5000 }, (_, i) => ({ sid: `S${i}`, note: 'é'.repeat(60) })),
    };
    const email = renderEmail(alert);
    expect(() => checkSnsLimits(email)).not.toThrow();
    expect(utf8Length(email.body)).toBeLessThanOrEqual(SNS_MESSAGE_MAX_BYTES);
    expect(email.body).toContain('evidence cut to fit');
    // The parts after the evidence survive the cut.
    expect(email.body).toContain(`tripline findings suppress ${alert.finding.id}`);
  });

  it('strips control characters from attacker-influenced values (user agent)', () => {
    const alert = alertAt('OPENED');
    alert.finding.trigger!.userAgent = 'evil\r\nBcc: someone@example.com\u0007';
    const body = renderEmail(alert).body;
    expect(body).toContain('User agent:  evil Bcc: someone@example.com\n');
  });
});

describe('email digest', () => {
  const alerts = Array.from({ length: 60 }, (_, i) => {
    const alert = alertAt('OPENED');
    alert.finding = {
      ...alert.finding,
      id: `tl-${String(i).padStart(20, '0')}`,
      resource: `arn:aws:lambda:us-east-1:111122223333:function:f${i}`,
    };
    alert.id = `al-${i}`;
    if (i % 3 === 0) alert.transition = { ...alert.transition, toSeverity: 'critical' };
    return alert;
  });

  it('groups by rule and severity, most severe first, with counts and a bounded list', () => {
    const email = renderEmailDigest(buildBatchDigest(alerts, new Date('2026-12-01T10:00:05Z')));
    expect(email.subject).toBe('[Tripline] Digest: 60 finding changes (20 critical, 40 high)');
    expect(email.attributes['severity']).toBe('critical');
    expect(email.attributes['status']).toBe('DIGEST');
    const critical = email.body.indexOf('CRITICAL  lambda-public-invoke');
    const high = email.body.indexOf('HIGH  lambda-public-invoke');
    expect(critical).toBeGreaterThan(0);
    expect(high).toBeGreaterThan(critical);
    expect(email.body).toContain('  40 opened');
    expect(email.body).toContain('… and 15 more');
    expect(() => checkSnsLimits(email)).not.toThrow();
  });
});
