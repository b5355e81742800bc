// Evaluator for the "lambda-policies" rules: a thin entry point; the shared wrapper does the work.
import { createEvaluatorHandler } from '../shared/evaluation/evaluator-handler.ts';
import { dependenciesFromEnvironment } from '../shared/evaluation/runtime-dependencies.ts';
import { RULES } from '../shared/rules/groups/lambda-policies.ts';

export const handler = createEvaluatorHandler({ group: 'lambda-policies', rules: RULES }, () =>
  dependenciesFromEnvironment(process.env, { wholeAccount: false }),
);
