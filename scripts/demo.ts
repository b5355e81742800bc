/**
 * `npm start`: the whole real-time path on a laptop, no AWS account and no Python.
 *
 * An embedded DynamoDB-protocol store (dynalite, in-process on a random loopback port) holds the findings table;
 * the bundled example account is the state; a bundled stream of CloudTrail events (examples/events/demo.jsonl) goes
 * through the same routing and evaluators as the deployed stack; each alert is rendered as Slack and email would
 * show it; finally `tripline findings list` reads the table. Everything stops when it ends.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { runCliCaptured } from '../cli/capture-io.ts';
import { type Alert, isAlerting } from '../shared/alerts/alert.ts';
import { renderEmail } from '../shared/alerts/email-message.ts';
import { renderSlack, type SlackBlock } from '../shared/alerts/slack-message.ts';
import { replayEvents } from '../shared/evaluation/replay.ts';
import { SnapshotStateReader } from '../shared/evaluation/snapshot-state-reader.ts';
import type { CloudTrailEvent } from '../shared/events/cloudtrail-event.ts';
import { parseEvent } from '../shared/events/parse-event.ts';
import { createTableIfMissing, DynamoFindingsStore } from '../shared/findings/dynamo-findings-store.ts';
import { defaultScanConfig } from '../shared/rules/scan-config.ts';
import {
  buildSnapshot,
  parseAuthorizationDetails,
  parseLambdaInventory,
} from '../shared/snapshot/parse-authorization-details.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TABLE = 'tripline-findings';
const SHOW_IN_FULL = 2;
const colour = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s: string) => (colour ? `\u001b[1m${s}\u001b[0m` : s);
const dim = (s: string) => (colour ? `\u001b[2m${s}\u001b[0m` : s);

interface Server {
  listen(port: number, host: string, cb: () => void): void;
  address(): AddressInfo;
  close(cb: () => void): void;
}

/** A Slack message as the Slack client lays it out, in plain text. */
function slackAsText(blocks: readonly SlackBlock[]): string {
  const lines: string[] = [];
  for (const block of blocks as {
    type: string;
    text?: { text: string };
    fields?: { text: string }[];
    elements?: { text?: string }[];
  }[]) {
    if (block.type === 'header' && block.text) lines.push(bold(block.text.text));
    else if (block.type === 'section') {
      if (block.text) lines.push(block.text.text);
      for (const f of block.fields ?? []) lines.push(`  ${f.text.replace(/\n/g, ' ')}`);
    } else if (block.type === 'context')
      lines.push(dim((block.elements ?? []).map((e) => e.text ?? '').join('  ')));
    else if (block.type === 'divider') lines.push(dim('─'.repeat(40)));
  }
  return lines.map((l) => `    │ ${l.replace(/\n/g, '\n    │ ')}`).join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const require = createRequire(import.meta.url);
  const dynalite = require('dynalite') as (options: object) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await createTableIfMissing(client, TABLE);
    const store = new DynamoFindingsStore({ client, tableName: TABLE });
    const json = (p: string) => JSON.parse(readFileSync(join(root, p), 'utf8')) as unknown;
    const snapshot = buildSnapshot(
      parseAuthorizationDetails(
        [json('examples/account/authorization-details.json')],
        'authorization-details.json',
      ),
      parseLambdaInventory(json('examples/account/lambdas.json'), 'lambdas.json'),
      {},
    );
    const events: CloudTrailEvent[] = [];
    for (const line of readFileSync(join(root, 'examples/events/demo.jsonl'), 'utf8').trim().split('\n')) {
      const parsed = parseEvent(JSON.parse(line));
      if (parsed.ok) events.push(parsed.event);
    }
    console.log(bold(`Tripline demo: ${events.length} CloudTrail events replayed through the evaluators`));
    console.log(
      dim(
        `findings table on an embedded DynamoDB-protocol server at ${endpoint}; state: examples/account/\n`,
      ),
    );

    const replayed = await replayEvents(events, {
      reader: new SnapshotStateReader(snapshot),
      store,
      config: defaultScanConfig(),
      region: 'us-east-1',
    });
    for (const entry of replayed) {
      const routed = entry.evaluators.length
        ? `→ ${entry.evaluators.join(', ')}`
        : '→ no evaluator: unrelated, failed, or a duplicate delivery';
      console.log(`${bold(entry.eventName)} ${dim(entry.eventId)} ${routed}`);
      const alerts: Alert[] = [];
      for (const transition of entry.transitions) {
        const finding = await store.get(transition.findingId);
        if (finding && isAlerting({ finding, transition }))
          alerts.push({ finding, transition, id: `${finding.id}@${finding.version}` });
      }
      if (alerts.length === 0) {
        console.log(dim('  no alert'));
        continue;
      }
      for (const alert of alerts.slice(0, SHOW_IN_FULL)) {
        const email = renderEmail(alert);
        const slack = renderSlack(alert);
        console.log(`  ${bold('Slack')} (${slack.blocks.length} blocks; fallback: ${slack.text})`);
        console.log(slackAsText(slack.blocks));
        console.log(`  ${bold('Email')} subject: ${email.subject}`);
        console.log(
          dim(
            email.body
              .split('\n')
              .slice(0, 8)
              .map((l) => `    │ ${l}`)
              .join('\n'),
          ),
        );
        console.log(dim('    │ …'));
      }
      if (alerts.length > SHOW_IN_FULL) {
        console.log(
          `  … and ${alerts.length - SHOW_IN_FULL} more alert(s) from this event (a deployed notifier sends a digest above 10):`,
        );
        for (const alert of alerts.slice(SHOW_IN_FULL)) console.log(`    ${renderEmail(alert).subject}`);
      }
      console.log('');
    }

    const list = await runCliCaptured([
      'findings',
      'list',
      '--endpoint',
      endpoint,
      '--table',
      TABLE,
      '--status',
      'all',
      '--limit',
      '50',
    ]);
    console.log(bold('tripline findings list --status all'));
    process.stdout.write(list.stdout);
    if (list.exitCode !== 0) process.stderr.write(list.stderr);
    console.log(
      dim(
        `\ndemo finished in ${((performance.now() - started) / 1000).toFixed(1)} s; the embedded store is stopped.`,
      ),
    );
  } finally {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

await main();
