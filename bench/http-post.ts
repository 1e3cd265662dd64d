import { Agent, request } from 'node:http';

/**
 * A small keep-alive JSON POST for the bench's own probes: node:http with a pooled agent costs far
 * less CPU per request than fetch, which matters when hundreds of polls a second share the bench
 * process with other work.
 */
export function createJsonPoster(
  maxSockets = 64,
  headers: Readonly<Record<string, string>> = {},
): { post(url: string, body: unknown): Promise<unknown>; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return {
    post(url, body) {
      const payload = JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const outgoing = request(
          url,
          {
            method: 'POST',
            agent,
            headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => {
              try {
                resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
              } catch (error) {
                reject(error instanceof Error ? error : new Error(String(error)));
              }
            });
            response.on('error', reject);
          },
        );
        outgoing.on('error', reject);
        outgoing.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}
