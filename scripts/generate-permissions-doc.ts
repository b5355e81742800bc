/**
 * Writes docs/permissions.md (`npm run docs:permissions`): per Tripline function, the IAM actions its role holds
 * and why, rendered from the same data the CDK stack grants. `infra/permissions-doc.test.ts` fails on drift.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderPermissionsDoc } from '../infra/permissions-doc.ts';

export const PERMISSIONS_DOC_PATH = fileURLToPath(new URL('../docs/permissions.md', import.meta.url));

writeFileSync(PERMISSIONS_DOC_PATH, renderPermissionsDoc());
console.log(`wrote ${PERMISSIONS_DOC_PATH}`);
