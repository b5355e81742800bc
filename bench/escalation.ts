/**
 * Privilege-escalation analysis at scale: full analysis time for every principal of a generated account (10,000
 * principals at the max preset) and the incremental re-check after one policy change.
 *
 *   npx tsx bench/escalation.ts [--preset max|small] [--scale N]
 * Writes bench/results/escalation.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePolicy } from '../shared/engine/parse-policy.ts';
import { EscalationAnalysis } from '../shared/escalation/escalation-graph.ts';
import {
  buildSnapshot,
  parseAuthorizationDetails,
  parseLambdaInventory,
} from '../shared/snapshot/parse-authorization-details.ts';
import { generateAccount, PRESETS, scalePreset } from './generate-account.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const preset = (arg('--preset') ?? 'max') as 'max' | 'small';
const scale = Number(arg('--scale') ?? '1');

const generated = generateAccount({ ...scalePreset(PRESETS[preset], scale), seed: 1 });
const snapshot = buildSnapshot(
  parseAuthorizationDetails([generated.authorizationDetails], 'generated.json'),
  parseLambdaInventory(generated.lambdas, 'lambdas.json'),
  {},
);
const principals = snapshot.roles.length + snapshot.users.length;

const t0 = performance.now();
const analysis = new EscalationAnalysis(snapshot);
const fullMs = performance.now() - t0;
const paths = analysis.allPaths().length;
const fullEvaluations = analysis.evaluations;

// One change: a role gains iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction on "*".
const role = snapshot.roles.find((r) => !analysis.isAdmin(r.arn) && !analysis.pathFor(r.arn));
const changes: { ms: number; evaluations: number; pathsAfter: number }[] = [];
if (role) {
  const parsed = parsePolicy(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'],
          Resource: '*',
        },
      ],
    },
    { source: { id: `inline:role/${role.name}/bench`, kind: 'identity' } },
  );
  if (!parsed.ok) throw new Error('fixture');
  role.inlinePolicies = [
    ...role.inlinePolicies,
    { name: 'bench', document: { ok: true, policy: parsed.policy } },
  ];
  for (let i = 0; i < 3; i++) {
    const before = analysis.evaluations;
    const started = performance.now();
    analysis.update(snapshot, { principals: [role.arn] });
    changes.push({
      ms: performance.now() - started,
      evaluations: analysis.evaluations - before,
      pathsAfter: analysis.allPaths().length,
    });
  }
}

const report = {
  input: {
    preset,
    scale,
    principals,
    roles: snapshot.roles.length,
    users: snapshot.users.length,
    functions: snapshot.functions?.length ?? 0,
  },
  full: {
    ms: Math.round(fullMs),
    evaluations: fullEvaluations,
    administrators: analysis.administrators().length,
    paths,
  },
  incremental: changes.map((c) => ({ ...c, ms: Math.round(c.ms) })),
  peakHeapMB: Math.round(process.memoryUsage().heapUsed / 1e6),
};
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'escalation.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `escalation analysis: ${principals} principals in ${(fullMs / 1000).toFixed(2)} s (${fullEvaluations} evaluations), ${report.full.administrators} administrators, ${paths} paths`,
);
for (const c of report.incremental)
  console.log(
    `  incremental re-check after one policy change: ${c.ms} ms (${c.evaluations} evaluations), ${c.pathsAfter} paths`,
  );
