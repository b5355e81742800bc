// Evaluator for the "activity" rules: a thin entry point; the shared wrapper does the work.
import { createEvaluatorHandler } from '../shared/evaluation/evaluator-handler.ts';
import { dependenciesFromEnvironment } from '../shared/evaluation/runtime-dependencies.ts';
import { RULES } from '../shared/rules/groups/activity.ts';

export const handler = createEvaluatorHandler({ group: 'activity', rules: RULES }, () =>
  dependenciesFromEnvironment(process.env, { wholeAccount: false }),
);
