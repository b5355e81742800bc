// Notifier: the findings table's stream → email (SNS), Slack and EventBridge; plus the daily digest.
// A thin entry point: the work is in shared/alerts. It never loads the rule catalogue (bundle size): the
// finding records carry what the messages need.
import { notifierDependenciesFromEnvironment } from '../shared/alerts/notifier-config.ts';
import { createNotifierHandlers } from '../shared/alerts/notifier-handler.ts';

export const { handler, dailyDigest } = createNotifierHandlers(() =>
  notifierDependenciesFromEnvironment(process.env),
);
