/**
 * Generates the rule documentation from the rule modules (`npm run docs`):
 *   docs/rules/<id>.md      one page per rule: why it matters, how to fix, references, triggers, read actions
 *   docs/rules/README.md    the index table
 *   docs/collect-policy.json the read-only IAM policy `tripline collect` needs (rules' readActions + collect's calls)
 * A test regenerates these in memory and fails when the files on disk differ.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { COLLECT_ACTIONS } from '../shared/adapters/collect-actions.ts';
import { lookupAction } from '../shared/catalogue/action-catalogue.ts';
import { ALL_RULES } from '../shared/rules/index.ts';
import { type Rule, severityRank } from '../shared/rules/rule-types.ts';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const RULE_DOCS_DIR = 'docs/rules';
export const COLLECT_POLICY_PATH = 'docs/collect-policy.json';

export interface GeneratedFile {
  /** Relative to the repository root, with forward slashes. */
  path: string;
  content: string;
}

const GENERATED_NOTE = (source: string) =>
  `<!-- Generated from ${source} by \`npm run docs\` (scripts/generate-docs.ts). Do not edit by hand. -->`;

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function code(text: string): string {
  return `\`${text}\``;
}

/** Rules most severe first, then by id. */
function ordered(rules: readonly Rule[]): Rule[] {
  return [...rules].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id),
  );
}

/** An action as the catalogue spells it (`iam:getrole` → `iam:GetRole`). */
function canonicalAction(action: string): string {
  return lookupAction(action)?.id ?? action;
}

const EXAMPLE_ARN: Record<Rule['resourceType'], string> = {
  'AWS::IAM::Role': 'arn:aws:iam::111122223333:role/ROLE-NAME',
  'AWS::IAM::User': 'arn:aws:iam::111122223333:user/USER-NAME',
  'AWS::IAM::Group': 'arn:aws:iam::111122223333:group/GROUP-NAME',
  'AWS::IAM::Policy': 'arn:aws:iam::111122223333:policy/POLICY-NAME',
  'AWS::Lambda::Function': 'arn:aws:lambda:us-east-1:111122223333:function:FUNCTION-NAME',
  'AWS::CloudTrail::Event': 'arn:aws:iam::111122223333:role/ROLE-NAME',
};

function scopeText(rule: Rule): string {
  if (rule.scope === 'principal') return `each IAM principal (${rule.principalKinds.join(', ')})`;
  if (rule.scope === 'function') return 'each Lambda function';
  return 'the whole account at once';
}

export function renderRulePage(rule: Rule): string {
  const lines: string[] = [
    GENERATED_NOTE(`shared/rules/${rule.id}/index.ts`),
    '',
    `# ${rule.title}`,
    '',
    '| | |',
    '| --- | --- |',
    `| Rule id | ${code(rule.id)} |`,
    `| Severity | **${rule.severity}** |`,
    `| Resource type | ${code(rule.resourceType)} |`,
    `| Evaluates | ${scopeText(rule)} |`,
    `| Evaluator group | ${code(rule.evaluator)} |`,
    '',
    '## Why it matters',
    '',
    rule.rationale,
    '',
    '## How to fix',
    '',
    rule.remediation.summary,
    '',
  ];
  if (rule.remediation.cli) lines.push('With the AWS CLI:', '', '```sh', rule.remediation.cli, '```', '');
  if (rule.remediation.cdk) lines.push('With the AWS CDK:', '', '```ts', rule.remediation.cdk, '```', '');
  lines.push('## References', '', ...rule.references.map((r) => `- <${r}>`), '');
  lines.push(
    '## Triggers',
    '',
    'Once deployed, Tripline re-evaluates this rule when one of these CloudTrail events arrives:',
    '',
    '| Event source | Event names |',
    '| --- | --- |',
    ...rule.triggers.map((t) => `| ${code(t.source)} | ${t.eventNames.map(code).join(', ')} |`),
    '',
  );
  lines.push('## Read actions', '');
  if (rule.readActions.length === 0)
    lines.push('The rule needs no IAM permission beyond what the scan already reads.', '');
  else {
    lines.push(
      'The IAM actions the rule needs to read the state it evaluates (all part of [the collect policy](../collect-policy.json)):',
      '',
      ...[...new Set(rule.readActions.map(canonicalAction))].sort().map((a) => `- ${code(a)}`),
      '',
    );
  }
  lines.push(
    '## Suppressing a finding',
    '',
    'Accept one finding on one resource in the scan configuration (`tripline scan --config FILE`); ARN patterns take `*` and `?`:',
    '',
    '```json',
    JSON.stringify(
      {
        suppressions: [
          {
            rule: rule.id,
            resource: EXAMPLE_ARN[rule.resourceType],
            reason: 'why this is accepted, and who accepted it',
            expires: '2027-01-31',
          },
        ],
      },
      null,
      2,
    ),
    '```',
    '',
    'Or disable the rule: `{ "disabledRules": ["' + rule.id + '"] }`.',
    '',
  );
  return lines.join('\n');
}

export function renderRulesIndex(rules: readonly Rule[]): string {
  const lines = [
    GENERATED_NOTE('shared/rules/*/index.ts'),
    '',
    '# Rules',
    '',
    `${rules.length} rules, most severe first. Each page says why the rule matters and how to fix what it finds; ` +
      '`tripline rules` lists them on the command line.',
    '',
    '| Rule | Severity | Resource type | Evaluator | Title |',
    '| --- | --- | --- | --- | --- |',
    ...ordered(rules).map(
      (r) =>
        `| [${code(r.id)}](${r.id}.md) | ${r.severity} | ${code(r.resourceType)} | ${code(r.evaluator)} | ${cell(r.title)} |`,
    ),
    '',
    'The read-only IAM policy that `tripline collect` needs to read an account: [collect-policy.json](../collect-policy.json).',
    '',
  ];
  return lines.join('\n');
}

/** Every action `tripline collect` and the rules need, sorted, each once. */
export function collectPolicyActions(rules: readonly Rule[]): string[] {
  const actions = new Set<string>(
    [...COLLECT_ACTIONS, ...rules.flatMap((r) => r.readActions)].map(canonicalAction),
  );
  return [...actions].sort((a, b) => a.localeCompare(b));
}

export function renderCollectPolicy(rules: readonly Rule[]): string {
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'TriplineReadOnly', Effect: 'Allow', Action: collectPolicyActions(rules), Resource: '*' },
    ],
  };
  return `${JSON.stringify(policy, null, 2)}\n`;
}

export function generateDocs(rules: readonly Rule[] = ALL_RULES): GeneratedFile[] {
  return [
    ...ordered(rules).map((r) => ({ path: `${RULE_DOCS_DIR}/${r.id}.md`, content: renderRulePage(r) })),
    { path: `${RULE_DOCS_DIR}/README.md`, content: renderRulesIndex(rules) },
    { path: COLLECT_POLICY_PATH, content: renderCollectPolicy(rules) },
  ];
}

/** Rule pages on disk that no rule generates any more. */
export function staleRulePages(root: string, files: readonly GeneratedFile[]): string[] {
  const wanted = new Set(files.map((f) => f.path));
  let present: string[];
  try {
    present = readdirSync(join(root, RULE_DOCS_DIR));
  } catch {
    return [];
  }
  return present
    .filter((name) => name.endsWith('.md'))
    .map((name) => `${RULE_DOCS_DIR}/${name}`)
    .filter((path) => !wanted.has(path))
    .sort();
}

function main(): void {
  const files = generateDocs();
  for (const stale of staleRulePages(REPO_ROOT, files)) {
    rmSync(join(REPO_ROOT, stale));
    process.stdout.write(`removed ${stale}\n`);
  }
  for (const file of files) {
    const path = join(REPO_ROOT, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
  }
  process.stdout.write(
    `wrote ${files.length} files (${files.length - 2} rule pages, the index, the collect policy)\n`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
