/**
 * Real-shaped EventBridge CloudTrail events in `fixtures/`: `<eventName>.json` for each event Tripline maps or
 * triggers on, and `<eventName>.<variant>.json` for variants (a failed call, a duplicate delivery, a call on a
 * resource that is not Tripline's). Test support: reads files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { CloudTrailEvent } from './cloudtrail-event.ts';
import { parseEvent } from './parse-event.ts';

const FIXTURES = new URL('./fixtures/', import.meta.url);

/** Fixture names (file names without `.json`), sorted. */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** The fixture's JSON as stored (unvalidated), for tests that alter it. */
export function readFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as Record<string, unknown>;
}

/** The fixture, validated. Throws when it does not parse: fixtures must always be valid. */
export function loadFixture(name: string): CloudTrailEvent {
  const parsed = parseEvent(readFixture(name));
  if (!parsed.ok) throw new Error(`fixture ${name}: ${parsed.reason}`);
  return parsed.event;
}

/** Whether `<eventName>.json` exists: every trigger event of every rule should have one. */
export function hasFixture(eventName: string): boolean {
  return fixtureNames().includes(eventName);
}
