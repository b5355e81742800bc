/**
 * `tripline policy …`: the policy engine on single documents — validate, evaluate a request, list grants.
 */
import type { Command } from 'commander';
import { evaluateRequest } from '../../shared/engine/evaluate.ts';
import { formatPolicyIssues, parsePolicy } from '../../shared/engine/parse-policy.ts';
import type { Policy, PolicyKind } from '../../shared/engine/policy-types.ts';
import { actionsOnAllResources, dataStoreAccess } from '../../shared/engine/principal-analysis.ts';
import type { RequestContext } from '../../shared/engine/request-types.ts';
import { InputError, readTextFile, withInputErrors } from '../input-error.ts';

const KINDS: PolicyKind[] = ['identity', 'resource', 'trust', 'boundary', 'scp'];

function loadPolicy(path: string, kind: PolicyKind): Policy {
  const result = parsePolicy(readTextFile(path), { kind, source: { id: path, kind } });
  if (!result.ok) {
    throw new InputError(
      `${path}: invalid ${kind} policy\n${formatPolicyIssues(result.errors)
        .split('\n')
        .map((line) => `  ${line}`)
        .join('\n')}`,
    );
  }
  return result.policy;
}

function parseKind(value: string): PolicyKind {
  if (!KINDS.includes(value as PolicyKind))
    throw new InputError(`--kind: expected one of ${KINDS.join(', ')}`);
  return value as PolicyKind;
}

function collectContext(value: string, previous: RequestContext): RequestContext {
  const eq = value.indexOf('=');
  if (eq <= 0)
    throw new InputError(`--context ${value}: expected key=value (repeat the option for more keys)`);
  const key = value.slice(0, eq);
  const v = value.slice(eq + 1);
  const existing = previous[key];
  return {
    ...previous,
    [key]: existing === undefined ? v : [...(Array.isArray(existing) ? existing : [existing]), v],
  };
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerPolicyCommands(program: Command): void {
  const policy = program.command('policy').description('Validate and evaluate single IAM policy documents.');

  policy
    .command('validate')
    .description('Check policy documents against the IAM grammar; print each problem with its location.')
    .argument('<files...>', 'policy documents (JSON, or URL-encoded JSON as the IAM API returns it)')
    .option('-k, --kind <kind>', `policy kind: ${KINDS.join(', ')}`, 'identity')
    .action(
      withInputErrors((files: string[], options: { kind: string }) => {
        const kind = parseKind(options.kind);
        let invalid = 0;
        for (const file of files) {
          const result = parsePolicy(readTextFile(file), { kind });
          if (result.ok) {
            process.stdout.write(
              `${file}: valid ${kind} policy, ${result.policy.statements.length} statement(s)\n`,
            );
            for (const w of result.warnings) process.stdout.write(`  warning: ${w.path}: ${w.message}\n`);
          } else {
            invalid++;
            process.stdout.write(`${file}: invalid\n`);
            for (const e of result.errors) process.stdout.write(`  ${e.path}: ${e.message}\n`);
          }
        }
        if (invalid > 0) process.exitCode = 2;
      }),
    );

  policy
    .command('evaluate')
    .description('Decide one request the way IAM would, and say which statement decided it.')
    .requiredOption('-p, --policy <file>', 'identity policy of the caller (repeat for several)', collect, [])
    .requiredOption('-a, --action <action>', 'the action, e.g. s3:GetObject')
    .option('-r, --resource <arn>', 'the resource ARN', '*')
    .option('--principal <arn>', 'the caller', 'arn:aws:iam::111122223333:role/caller')
    .option('-b, --boundary <file>', 'permissions boundary of the caller')
    .option('--resource-policy <file>', 'resource-based policy of the resource')
    .option('--trust-policy <file>', 'trust policy of the role being assumed (with sts:AssumeRole)')
    .option(
      '-c, --context <key=value>',
      'a request-context value (repeat; repeat a key for a multivalued key)',
      collectContext,
      {},
    )
    .option(
      '--any-context',
      'treat keys not given with --context as unknown: answer "conditional" when conditions decide',
    )
    .option('--format <format>', 'text or json', 'text')
    .action(
      withInputErrors(
        (options: {
          policy: string[];
          action: string;
          resource: string;
          principal: string;
          boundary?: string;
          resourcePolicy?: string;
          trustPolicy?: string;
          context: RequestContext;
          anyContext?: boolean;
          format: string;
        }) => {
          const resourcePolicy = options.trustPolicy
            ? loadPolicy(options.trustPolicy, 'trust')
            : options.resourcePolicy
              ? loadPolicy(options.resourcePolicy, 'resource')
              : undefined;
          const result = evaluateRequest(
            {
              principal: options.principal,
              action: options.action,
              resource: options.resource,
              context: options.context,
              missingKeys: options.anyContext ? 'unknown' : 'absent',
            },
            {
              identity: options.policy.map((file) => loadPolicy(file, 'identity')),
              ...(options.boundary ? { boundary: loadPolicy(options.boundary, 'boundary') } : {}),
              ...(resourcePolicy ? { resource: resourcePolicy } : {}),
            },
          );
          if (options.format === 'json') process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          else process.stdout.write(`${result.decision}: ${result.reason}\n`);
        },
      ),
    );

  policy
    .command('grants')
    .description(
      'List what the given identity policies grant on every resource, and which data stores they reach.',
    )
    .argument('<files...>', 'identity policies held by one principal')
    .option('-b, --boundary <file>', 'permissions boundary of the principal')
    .option('--principal <arn>', 'the principal', 'arn:aws:iam::111122223333:role/principal')
    .option('--format <format>', 'text or json', 'text')
    .action(
      withInputErrors(
        (files: string[], options: { boundary?: string; principal: string; format: string }) => {
          const principal = {
            arn: options.principal,
            policies: files.map((f) => loadPolicy(f, 'identity')),
            ...(options.boundary ? { boundary: loadPolicy(options.boundary, 'boundary') } : {}),
          };
          const grants = actionsOnAllResources(principal);
          const data = dataStoreAccess(principal);
          if (options.format === 'json') {
            const slim = grants.map((g) => ({
              action: g.action,
              conditional: g.allowed === 'unknown',
              accessLevels: g.catalogue.accessLevels,
            }));
            process.stdout.write(
              `${JSON.stringify({ actionsOnAllResources: slim, dataAccess: data }, null, 2)}\n`,
            );
            return;
          }
          const byLevel = new Map<string, string[]>();
          for (const g of grants) {
            for (const level of g.catalogue.accessLevels) {
              const list = byLevel.get(level) ?? [];
              list.push(g.allowed === 'unknown' ? `${g.action} (conditional)` : g.action);
              byLevel.set(level, list);
            }
          }
          process.stdout.write(`${grants.length} action(s) allowed on every resource\n`);
          for (const [level, actions] of byLevel) {
            const shown = actions.slice(0, 20);
            process.stdout.write(
              `  ${level}: ${actions.length}\n    ${shown.join('\n    ')}${actions.length > 20 ? `\n    … ${actions.length - 20} more` : ''}\n`,
            );
          }
          process.stdout.write(`data stores reachable: ${data.length === 0 ? 'none' : ''}\n`);
          for (const d of data) {
            process.stdout.write(
              `  ${d.store} ${d.access}: ${d.action} on ${d.resources.join(', ')}${d.allowed === 'unknown' ? ' (conditional)' : ''}\n`,
            );
          }
        },
      ),
    );
}
