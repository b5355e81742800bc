// Evaluator for the "identity-policies" rules: a thin entry point; the shared wrapper does the work.
import { createEvaluatorHandler } from '../shared/evaluation/evaluator-handler.ts';
import { dependenciesFromEnvironment } from '../shared/evaluation/runtime-dependencies.ts';
import { RULES } from '../shared/rules/groups/identity-policies.ts';

export const handler = createEvaluatorHandler({ group: 'identity-policies', rules: RULES }, () =>
  dependenciesFromEnvironment(process.env, { wholeAccount: true }),
);
