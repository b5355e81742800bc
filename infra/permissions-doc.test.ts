import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderPermissionsDoc } from './permissions-doc.ts';

describe('docs/permissions.md', () => {
  it('is up to date (npm run docs:permissions regenerates it)', () => {
    const onDisk = readFileSync(new URL('../docs/permissions.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderPermissionsDoc());
  });
});
