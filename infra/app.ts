/**
 * `npx cdk synth` / `npx cdk deploy` (cdk.json: `npx tsx infra/app.ts`). Options are context values, e.g.
 * `npx cdk deploy --all -c alertEmails=security@example.com -c homeRegion=eu-west-1`; see infra/README.md.
 */
import { App } from 'aws-cdk-lib';
import { readAppConfig } from './app-config.ts';
import { addTriplineStacks } from './tripline-app.ts';

const app = new App();
addTriplineStacks(
  app,
  readAppConfig((key) => app.node.tryGetContext(key), process.env),
);
app.synth();
