/**
 * The app's composition, shared by `infra/app.ts` and the tests: the Tripline stack in the home Region, the
 * us-east-1 forwarder when the home Region is elsewhere, and cdk-nag's AwsSolutions checks on everything.
 */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { AppConfig } from './app-config.ts';
import { IAM_EVENTS_REGION } from './event-patterns.ts';
import { IamEventForwarderStack, TriplineStack } from './tripline-stack.ts';

export interface TriplineStacks {
  main: TriplineStack;
  forwarder?: IamEventForwarderStack;
}

export function addTriplineStacks(app: App, config: AppConfig): TriplineStacks {
  const description = 'Tripline: real-time IAM and Lambda security checks';
  const main = new TriplineStack(app, config.stackName, {
    ...config.props,
    env: { account: config.account, region: config.homeRegion },
    description,
  });
  const stacks: TriplineStacks = { main };
  if (config.homeRegion !== IAM_EVENTS_REGION) {
    stacks.forwarder = new IamEventForwarderStack(app, `${config.stackName}-IamEventForwarder`, {
      env: { account: config.account, region: IAM_EVENTS_REGION },
      homeRegion: config.homeRegion,
      ...(config.props.namePrefix ? { namePrefix: config.props.namePrefix } : {}),
      description: `${description} (forwards IAM events from ${IAM_EVENTS_REGION} to ${config.homeRegion})`,
    });
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stacks;
}
