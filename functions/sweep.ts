// Scheduled full sweep: re-evaluates the whole account with every state rule and resolves stale findings.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import middy from '@middy/core';
import { checkCloudTrail } from '../shared/evaluation/cloudtrail-check.ts';
import { dependenciesFromEnvironment } from '../shared/evaluation/runtime-dependencies.ts';
import { sweep } from '../shared/evaluation/sweep.ts';
import { ALL_RULES } from '../shared/rules/index.ts';

const logger = new Logger({ serviceName: 'tripline-sweep' });
const metrics = new Metrics({ namespace: 'Tripline', serviceName: 'tripline-sweep' });
const stateRules = ALL_RULES.filter((r) => r.scope !== 'event');

export const handler = middy(async () => {
  const deps = dependenciesFromEnvironment(process.env, { wholeAccount: false });
  // The precondition of the real-time path; a failed check is logged, never fatal to the sweep.
  const trails = await checkCloudTrail(new CloudTrailClient({ region: deps.region })).catch(
    (error: unknown) => ({
      ok: false,
      message: `could not check CloudTrail: ${String(error)}`,
    }),
  );
  if (trails.ok) logger.info(trails.message);
  else {
    logger.warn(trails.message);
    metrics.addMetric('NoManagementTrail', MetricUnit.Count, 1);
  }
  const outcome = await sweep({
    reader: deps.reader,
    store: deps.store,
    rules: stateRules,
    config: deps.config,
    region: deps.region,
  });
  metrics.addMetric('SweepTransitions', MetricUnit.Count, outcome.transitions.length);
  metrics.addMetric('UnknownResults', MetricUnit.Count, outcome.results.UNKNOWN);
  logger.info('sweep done', {
    principals: outcome.principals,
    functions: outcome.functions,
    results: outcome.results,
    transitions: outcome.transitions.length,
  });
  return {
    principals: outcome.principals,
    functions: outcome.functions,
    results: outcome.results,
    transitions: outcome.transitions.length,
  };
})
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
