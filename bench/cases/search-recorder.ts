import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedSearch {
  /** Path and query string, e.g. `/bench-s1-100000-products/_search?…`. */
  readonly path: string;
  readonly body: unknown;
}

/**
 * A pass-through HTTP proxy in front of Elasticsearch that keeps the body of every `_search` request
 * going through it. S1 points a gateway at it for one pass over the search terms, then replays the
 * recorded requests straight to Elasticsearch: the same queries, facets and highlights the resolver
 * asks for, without the gateway, which splits S1's latency into Elasticsearch's share and the rest.
 */
export async function startSearchRecorder(target: string): Promise<{ url: string; recorded: RecordedSearch[]; close(): Promise<void> }> {
  const upstream = new URL(target);
  const recorded: RecordedSearch[] = [];
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = incoming.url ?? '/';
      if (incoming.method === 'POST' && /\/_search(\?|$)/.test(path) && body.length > 0) {
        try {
          recorded.push({ path, body: JSON.parse(body.toString('utf8')) });
        } catch {
          // Not JSON (never seen for _search): forwarded, not recorded.
        }
      }
      const headers = { ...incoming.headers, host: upstream.host };
      const forward = request({ host: upstream.hostname, port: upstream.port, method: incoming.method, path, headers }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
      forward.on('error', () => {
        outgoing.writeHead(502);
        outgoing.end();
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    recorded,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
