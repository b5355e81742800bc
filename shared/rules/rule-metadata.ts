/**
 * Schema of rule metadata: checked for every registered rule by the catalogue test, so a malformed module
 * (bad id, unknown severity, undeclared triggers) is caught before it ships.
 */
import { z } from 'zod';
import { SEVERITIES } from './rule-types.ts';

export const RULE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/;

export const ruleMetadataSchema = z.object({
  id: z.string().regex(RULE_ID, 'kebab-case with at least two words'),
  title: z.string().min(10).max(100),
  severity: z.enum(SEVERITIES),
  resourceType: z.enum([
    'AWS::IAM::Role',
    'AWS::IAM::User',
    'AWS::IAM::Group',
    'AWS::IAM::Policy',
    'AWS::Lambda::Function',
    'AWS::CloudTrail::Event',
  ]),
  scope: z.enum(['principal', 'function', 'account', 'event']),
  evaluator: z.enum(['identity-policies', 'trust-policies', 'lambda-config', 'lambda-policies', 'activity']),
  rationale: z.string().min(40),
  remediation: z.object({
    summary: z.string().min(10),
    cli: z.string().optional(),
    cdk: z.string().optional(),
  }),
  references: z.array(z.string().regex(/^https:\/\//)).min(1),
  triggers: z
    .array(
      z.object({
        source: z.string().regex(/^aws\.[a-z0-9-]+$/),
        eventNames: z.array(z.string().regex(/^[A-Z][A-Za-z0-9]+$/)).min(1),
      }),
    )
    .min(1),
  readActions: z.array(z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9]+$/)),
  evaluate: z.function(),
});
