import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryFindingsStore } from '../findings/memory-findings-store.ts';
import { ALL_RULES } from '../rules/index.ts';
import { defaultScanConfig } from '../rules/scan-config.ts';
import { runScan } from '../scan/run-scan.ts';
import {
  buildSnapshot,
  parseAuthorizationDetails,
  parseLambdaInventory,
} from '../snapshot/parse-authorization-details.ts';
import { SnapshotStateReader } from './snapshot-state-reader.ts';
import { sweep } from './sweep.ts';

const example = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../examples/account/${name}`, import.meta.url), 'utf8')) as unknown;

function exampleSnapshot() {
  return buildSnapshot(
    parseAuthorizationDetails([example('authorization-details.json')], 'authorization-details.json'),
    parseLambdaInventory(example('lambdas.json'), 'lambdas.json'),
    {},
  );
}

describe('sweep', () => {
  const stateRules = ALL_RULES.filter((r) => r.scope !== 'event');

  it('records what a scan finds, then resolves findings whose resources are gone', async () => {
    const store = new MemoryFindingsStore();
    const snapshot = exampleSnapshot();
    const config = defaultScanConfig();
    const now = new Date('2026-12-04T10:00:00Z');
    const first = await sweep({
      reader: new SnapshotStateReader(snapshot),
      store,
      rules: stateRules,
      config,
      region: 'us-east-1',
      now: () => now,
    });
    const scan = runScan(snapshot, stateRules, config, { now });
    expect(first.transitions.filter((t) => t.to === 'OPEN')).toHaveLength(scan.findings.length);

    const firstFunctionFinding = scan.findings.find((f) => f.resourceType === 'AWS::Lambda::Function');
    const gone = snapshot.functions?.find((f) => f.arn === firstFunctionFinding?.resource);
    const later = exampleSnapshot();
    later.functions = later.functions?.filter((f) => f.arn !== gone?.arn);
    const second = await sweep({
      reader: new SnapshotStateReader(later),
      store,
      rules: stateRules,
      config,
      region: 'us-east-1',
      now: () => new Date('2026-12-05T10:00:00Z'),
    });
    const resolved = second.transitions.filter((t) => t.to === 'RESOLVED');
    const expected = scan.findings.filter((f) => f.resource === gone?.arn).length;
    expect(expected).toBeGreaterThan(0);
    expect(resolved.filter((t) => t.resource === gone?.arn)).toHaveLength(expected);
    expect(second.transitions.filter((t) => t.to === 'OPEN')).toEqual([]);
  });
});
