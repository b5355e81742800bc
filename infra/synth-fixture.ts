/**
 * Test support: synthesizes the app once per test file, offline, in a temporary directory, without bundling
 * (`bundle.test.ts` bundles for real), with cdk-nag's checks, and returns the templates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { type Acknowledgement, acknowledgementsOf } from './acknowledgements.ts';
import { type AppConfig, readAppConfig } from './app-config.ts';
import type { CloudFormationTemplate, SynthesizedStack } from './template-snapshot.ts';
import { addTriplineStacks, type TriplineStacks } from './tripline-app.ts';

export interface SynthesizedApp {
  config: AppConfig;
  stacks: TriplineStacks;
  main: SynthesizedStack;
  forwarder?: SynthesizedStack;
  /** The cdk-nag failure, if synthesis failed validation. */
  validationError?: string;
  acknowledgements: readonly Acknowledgement[];
  cleanup(): void;
}

export function synthesizeApp(context: Record<string, string>): SynthesizedApp {
  const outdir = mkdtempSync(join(tmpdir(), 'tripline-cdk-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const config = readAppConfig((key) => context[key]);
  const stacks = addTriplineStacks(app, config);
  let validationError: string | undefined;
  let assembly: ReturnType<App['synth']> | undefined;
  try {
    assembly = app.synth();
  } catch (error) {
    validationError = String(error);
  }
  const read = (name: string, region: string): SynthesizedStack => ({
    stackName: name,
    account: config.account,
    region,
    template: (assembly
      ? assembly.getStackByName(name).template
      : { Resources: {} }) as CloudFormationTemplate,
  });
  const result: SynthesizedApp = {
    config,
    stacks,
    main: read(stacks.main.stackName, config.homeRegion),
    acknowledgements: acknowledgementsOf(app),
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
  if (stacks.forwarder) result.forwarder = read(stacks.forwarder.stackName, 'us-east-1');
  if (validationError !== undefined) result.validationError = validationError;
  return result;
}
