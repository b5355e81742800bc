/**
 * `tripline escalation`: who can become administrator, and how — every path step by step, or the Lambda-centred
 * view (for each function role: could credentials stolen from that function take the account?).
 */
import { type Command, Option } from 'commander';
import { nameFromArn } from '../../shared/engine/arn.ts';
import { ADMIN, EscalationAnalysis, type EscalationPath } from '../../shared/escalation/escalation-graph.ts';
import { pathEvidence } from '../../shared/rules/iam-privilege-escalation/index.ts';
import { isWorkloadRole } from '../../shared/rules/support/workload-role.ts';
import { type CliIo, withErrorReporting } from '../cli-io.ts';
import { InputError } from '../input-error.ts';
import { EXAMPLE_ACCOUNT, loadSnapshot } from './scan.ts';

interface EscalationOptions {
  input?: string;
  lambdas?: string;
  principal?: string;
  workloads?: boolean;
  format: 'text' | 'json';
}

function label(arn: string): string {
  return arn === ADMIN ? 'administrator' : nameFromArn(arn);
}

function renderPath(path: EscalationPath): string {
  const lines = [
    `${path.principal}\n  reaches ${path.reaches === ADMIN ? 'administrator (by changing its own permissions)' : path.reaches} in ${path.steps.length} step(s)${path.conditional ? ', under some conditions' : ''}`,
  ];
  path.steps.forEach((step, i) => {
    lines.push(`  ${i + 1}. ${label(step.from)} → ${label(step.to)}: ${step.title} [${step.method}]`);
    lines.push(`     via ${step.via}`);
    for (const grant of step.grants) {
      const statements = grant.allowedBy.map(
        (r) => `${r.policyId} Statement[${r.statementIndex}]${r.sid ? ` (${r.sid})` : ''}`,
      );
      lines.push(
        `     ${grant.action} on ${grant.resource}${grant.conditional ? ' (conditional)' : ''} — ${statements.join('; ')}`,
      );
    }
    for (const note of step.notes) lines.push(`     note: ${note}`);
  });
  return lines.join('\n');
}

export function escalationCommand(io: CliIo, options: EscalationOptions): void {
  if (options.input === undefined && options.lambdas !== undefined) {
    throw new InputError('--lambdas needs --input (the authorization details of the same account)');
  }
  const files =
    options.input !== undefined
      ? { input: options.input, ...(options.lambdas !== undefined ? { lambdas: options.lambdas } : {}) }
      : { input: EXAMPLE_ACCOUNT.authorizationDetails, lambdas: EXAMPLE_ACCOUNT.lambdas };
  const { snapshot } = loadSnapshot(io, files);
  const analysis = new EscalationAnalysis(snapshot);
  const known = new Set([...snapshot.users, ...snapshot.roles].map((p) => p.arn));
  if (options.principal !== undefined && !known.has(options.principal)) {
    throw new InputError(`--principal ${options.principal}: no such user or role in ${files.input}`);
  }
  let paths = analysis
    .allPaths()
    .sort((a, b) => a.steps.length - b.steps.length || a.principal.localeCompare(b.principal));
  if (options.principal !== undefined) paths = paths.filter((p) => p.principal === options.principal);

  if (options.workloads) {
    const functionsByRole = new Map<string, string[]>();
    for (const fn of snapshot.functions ?? [])
      functionsByRole.set(fn.role, [...(functionsByRole.get(fn.role) ?? []), fn.name]);
    const rows = snapshot.roles
      .filter((r) => isWorkloadRole(r, ['lambda.amazonaws.com']))
      .map((r) => ({
        role: r.arn,
        functions: functionsByRole.get(r.arn) ?? [],
        administrator: analysis.isAdmin(r.arn),
        escalation: analysis.pathFor(r.arn),
      }));
    if (options.format === 'json') {
      io.stdout.write(
        `${JSON.stringify(
          rows.map((r) => ({ ...r, escalation: r.escalation ? pathEvidence(r.escalation) : null })),
          null,
          2,
        )}\n`,
      );
      return;
    }
    io.stdout.write(`Lambda execution roles: ${rows.length}\n`);
    for (const r of rows) {
      const verdict = r.administrator
        ? 'ADMINISTRATOR already'
        : r.escalation
          ? `can reach administrator in ${r.escalation.steps.length} step(s) (${r.escalation.steps.map((s) => s.method).join(', ')})`
          : 'cannot reach administrator';
      io.stdout.write(`  ${nameFromArn(r.role)} [${r.functions.join(', ') || 'no function'}]: ${verdict}\n`);
    }
    return;
  }

  if (options.format === 'json') {
    io.stdout.write(
      `${JSON.stringify({ administrators: analysis.administrators(), escalations: paths.map((p) => ({ principal: p.principal, ...pathEvidence(p) })) }, null, 2)}\n`,
    );
    return;
  }
  if (options.principal === undefined) {
    io.stdout.write(`Administrator-equivalent principals: ${analysis.administrators().length}\n`);
    for (const arn of analysis.administrators()) io.stdout.write(`  ${arn}\n`);
    io.stdout.write(`\nPrincipals that can escalate to administrator: ${paths.length}\n`);
  } else if (analysis.isAdmin(options.principal)) {
    io.stdout.write(`${options.principal} is already administrator-equivalent\n`);
    return;
  } else if (paths.length === 0) {
    io.stdout.write(`${options.principal}: no path to administrator found\n`);
    return;
  }
  for (const path of paths) io.stdout.write(`\n${renderPath(path)}\n`);
}

export function registerEscalationCommand(program: Command, io: CliIo): void {
  program
    .command('escalation')
    .description(
      'Show who can escalate to administrator and how: the shortest path per principal, each step with the method ' +
        'and the statements that allow it. Without --input, analyses the bundled example account.',
    )
    .option('-i, --input <file>', 'output of `aws iam get-account-authorization-details`')
    .option('-l, --lambdas <file>', 'Lambda inventory (functions and their roles), as for `tripline scan`')
    .option('-p, --principal <arn>', 'show only this user or role')
    .option(
      '-w, --workloads',
      'Lambda-centred view: for each role trusted by Lambda, can it reach administrator?',
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(withErrorReporting(io, (options: EscalationOptions) => escalationCommand(io, options)));
}
