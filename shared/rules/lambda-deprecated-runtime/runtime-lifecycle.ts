/**
 * Lambda-managed runtimes and their deprecation schedule: deprecation date (no more patches, no support), the
 * date Lambda blocks creating functions with the runtime, and the date it blocks updating them. Dates are UTC.
 *
 * Source: the "Deprecated runtimes" and "Supported runtimes" tables of
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html (section "Runtime deprecation policy").
 * AWS moves block dates often: in June 2026 it pushed the block dates of most Amazon Linux 2 runtimes
 * deprecated in 2024–2026 to 2027-02-01 (create) and 2027-03-03 (update), and gave java8.al2, java11, java17
 * and python3.11 one more year (as reported in aws-cloudformation/cfn-lint#4531 and #4532, which quote the page).
 * The 2027 block dates of nodejs14.x, python3.7, ruby2.7, java8, go1.x, provided, python3.10, ruby3.2 and
 * provided.al2, and the block dates of supported runtimes, follow that extension and the published pattern
 * (create blocked about a month, update about two months after deprecation) rather than a row read from the page.
 * Re-check this table against the page when AWS announces a change; a runtime missing here counts as supported.
 */

export interface RuntimeLifecycle {
  /** Display name as the AWS page writes it. */
  name: string;
  deprecated: string;
  blockCreate: string;
  blockUpdate: string;
}

/** Last checked against the AWS page (and the announcements that followed it). */
export const LIFECYCLE_CHECKED = '2026-06';

export const RUNTIME_LIFECYCLE: Readonly<Record<string, RuntimeLifecycle>> = {
  // Updates blocked long ago.
  nodejs: {
    name: 'Node.js 0.10',
    deprecated: '2016-10-31',
    blockCreate: '2016-10-31',
    blockUpdate: '2016-10-31',
  },
  'nodejs4.3': {
    name: 'Node.js 4.3',
    deprecated: '2020-03-05',
    blockCreate: '2020-03-05',
    blockUpdate: '2020-03-05',
  },
  'nodejs4.3-edge': {
    name: 'Node.js 4.3 edge',
    deprecated: '2019-04-30',
    blockCreate: '2019-04-30',
    blockUpdate: '2019-04-30',
  },
  'nodejs6.10': {
    name: 'Node.js 6.10',
    deprecated: '2019-08-12',
    blockCreate: '2019-08-12',
    blockUpdate: '2019-08-12',
  },
  'nodejs8.10': {
    name: 'Node.js 8.10',
    deprecated: '2020-03-06',
    blockCreate: '2020-03-06',
    blockUpdate: '2020-03-06',
  },
  'nodejs10.x': {
    name: 'Node.js 10',
    deprecated: '2021-07-30',
    blockCreate: '2021-07-30',
    blockUpdate: '2022-02-14',
  },
  'nodejs12.x': {
    name: 'Node.js 12',
    deprecated: '2023-03-31',
    blockCreate: '2023-03-31',
    blockUpdate: '2023-04-30',
  },
  'python2.7': {
    name: 'Python 2.7',
    deprecated: '2021-07-15',
    blockCreate: '2021-07-15',
    blockUpdate: '2022-05-30',
  },
  'python3.6': {
    name: 'Python 3.6',
    deprecated: '2022-07-18',
    blockCreate: '2022-07-18',
    blockUpdate: '2022-08-29',
  },
  'ruby2.5': {
    name: 'Ruby 2.5',
    deprecated: '2021-07-30',
    blockCreate: '2021-07-30',
    blockUpdate: '2022-03-31',
  },
  'dotnetcore1.0': {
    name: '.NET Core 1.0',
    deprecated: '2019-06-27',
    blockCreate: '2019-07-30',
    blockUpdate: '2019-07-30',
  },
  'dotnetcore2.0': {
    name: '.NET Core 2.0',
    deprecated: '2019-05-30',
    blockCreate: '2019-05-30',
    blockUpdate: '2019-05-30',
  },
  'dotnetcore2.1': {
    name: '.NET Core 2.1',
    deprecated: '2022-01-05',
    blockCreate: '2022-01-05',
    blockUpdate: '2022-04-13',
  },
  'dotnetcore3.1': {
    name: '.NET Core 3.1',
    deprecated: '2023-04-03',
    blockCreate: '2023-04-03',
    blockUpdate: '2023-05-03',
  },
  // Deprecated; creation and updates blocked from 2027 (dates extended by AWS in 2025 and 2026).
  'nodejs14.x': {
    name: 'Node.js 14',
    deprecated: '2023-12-04',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
  },
  'nodejs16.x': {
    name: 'Node.js 16',
    deprecated: '2024-06-12',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
  },
  'nodejs18.x': {
    name: 'Node.js 18',
    deprecated: '2025-09-01',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
  },
  'nodejs20.x': {
    name: 'Node.js 20',
    deprecated: '2026-04-30',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
  },
  'python3.7': {
    name: 'Python 3.7',
    deprecated: '2023-12-04',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
  },
  'python3.8': {
    name: 'Python 3.8',
    deprecated: '2024-10-14',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
  },
  'python3.9': {
    name: 'Python 3.9',
    deprecated: '2025-12-15',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
  },
  'python3.10': {
    name: 'Python 3.10',
    deprecated: '2026-06-30',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
  },
  'ruby2.7': {
    name: 'Ruby 2.7',
    deprecated: '2023-12-07',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
  },
  'ruby3.2': {
    name: 'Ruby 3.2',
    deprecated: '2026-03-31',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
  },
  java8: {
    name: 'Java 8 (Amazon Linux)',
    deprecated: '2024-01-08',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
  },
  'go1.x': { name: 'Go 1.x', deprecated: '2024-01-08', blockCreate: '2027-02-01', blockUpdate: '2027-03-03' },
  provided: {
    name: 'OS-only (Amazon Linux)',
    deprecated: '2024-01-08',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
  },
  'provided.al2': {
    name: 'OS-only (Amazon Linux 2)',
    deprecated: '2026-06-30',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
  },
  dotnet6: { name: '.NET 6', deprecated: '2024-12-20', blockCreate: '2027-02-01', blockUpdate: '2027-03-03' },
  dotnet8: { name: '.NET 8', deprecated: '2026-11-10', blockCreate: '2026-12-10', blockUpdate: '2027-01-11' },
  // Supported, with a projected deprecation date.
  'java8.al2': {
    name: 'Java 8 (Amazon Linux 2)',
    deprecated: '2027-06-30',
    blockCreate: '2027-07-31',
    blockUpdate: '2027-08-31',
  },
  java11: { name: 'Java 11', deprecated: '2027-06-30', blockCreate: '2027-07-31', blockUpdate: '2027-08-31' },
  java17: { name: 'Java 17', deprecated: '2027-06-30', blockCreate: '2027-07-31', blockUpdate: '2027-08-31' },
  'python3.11': {
    name: 'Python 3.11',
    deprecated: '2027-06-30',
    blockCreate: '2027-07-31',
    blockUpdate: '2027-08-31',
  },
  'nodejs22.x': {
    name: 'Node.js 22',
    deprecated: '2027-04-30',
    blockCreate: '2027-06-01',
    blockUpdate: '2027-07-01',
  },
  'ruby3.3': {
    name: 'Ruby 3.3',
    deprecated: '2027-03-31',
    blockCreate: '2027-04-30',
    blockUpdate: '2027-05-31',
  },
  'python3.12': {
    name: 'Python 3.12',
    deprecated: '2028-10-31',
    blockCreate: '2028-11-30',
    blockUpdate: '2029-01-10',
  },
  'python3.13': {
    name: 'Python 3.13',
    deprecated: '2029-06-30',
    blockCreate: '2029-07-31',
    blockUpdate: '2029-08-31',
  },
  java21: { name: 'Java 21', deprecated: '2029-06-30', blockCreate: '2029-07-31', blockUpdate: '2029-08-31' },
  'provided.al2023': {
    name: 'OS-only (Amazon Linux 2023)',
    deprecated: '2029-06-30',
    blockCreate: '2029-07-31',
    blockUpdate: '2029-08-31',
  },
};

/** Day `date` (YYYY-MM-DD, UTC) has begun at `now`. */
export function reached(date: string, now: Date): boolean {
  return now.getTime() >= Date.parse(`${date}T00:00:00Z`);
}
