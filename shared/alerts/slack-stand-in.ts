/**
 * Test support: a real HTTP server on loopback standing in for Slack's incoming webhook. It records every
 * request and answers from a script (status, headers, body, or never), then `200 ok`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer (the client's timeout must end the request). */
  hang?: boolean;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  body: unknown;
  at: number;
}

export class SlackStandIn {
  readonly requests: ReceivedRequest[] = [];
  readonly #script: ScriptedAnswer[] = [];
  readonly #server: Server;
  readonly #hanging = new Set<ServerResponse>();
  /** The secret part of the URL, as Slack's is: `/services/T…/B…/<token>`. */
  readonly path = '/services/T0AAAAAAA/B0BBBBBBB/s3cr3tT0k3nD0N0tL0g';

  constructor() {
    this.#server = createServer((req, res) => void this.#answer(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${this.path}`;
  }

  /** Answers for the next requests, in order. */
  script(...answers: ScriptedAnswer[]): void {
    this.#script.push(...answers);
  }

  async stop(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // kept as text
    }
    this.requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      contentType: req.headers['content-type'],
      body,
      at: Date.now(),
    });
    if (req.url !== this.path) {
      res.writeHead(404).end('no_service');
      return;
    }
    const answer = this.#script.shift() ?? {};
    if (answer.hang) {
      this.#hanging.add(res);
      return;
    }
    res.writeHead(answer.status ?? 200, { 'content-type': 'text/plain', ...answer.headers });
    res.end(answer.body ?? (answer.status === undefined || answer.status === 200 ? 'ok' : 'error'));
  }
}
