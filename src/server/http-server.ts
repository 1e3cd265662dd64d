import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { RequestContext } from '../resolvers/request-context.js';

const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpRoutes {
  readonly apollo: ApolloServer<RequestContext>;
  /** Builds the request's context from its headers (throws a GatewayError for bad credentials). */
  readonly createContext: (headers: HeaderMap) => Promise<RequestContext>;
  /** Extra plain routes such as /healthz: path → handler. */
  readonly routes?: Readonly<Record<string, (request: IncomingMessage, response: ServerResponse) => void | Promise<void>>>;
}

class BodyTooLargeError extends Error {}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError());
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/**
 * A minimal node:http integration for Apollo: the per-request pipeline of a framework (body-parser,
 * negotiator, type-is…) costs more than executing a cached-row query, so the gateway parses JSON
 * itself and hands Apollo a ready request.
 */
async function handleGraphQL(routes: HttpRoutes, request: IncomingMessage, response: ServerResponse, search: string): Promise<void> {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  let body: unknown = undefined;
  if (request.method === 'POST') {
    let text: string;
    try {
      text = await readBody(request);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendJson(response, 413, { errors: [{ message: `request body exceeds ${MAX_BODY_BYTES} bytes`, extensions: { code: 'BAD_REQUEST' } }] });
        return;
      }
      throw error;
    }
    const contentType = headers.get('content-type') ?? '';
    if (contentType.includes('application/json')) {
      try {
        body = text === '' ? {} : JSON.parse(text);
      } catch {
        sendJson(response, 400, { errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
        return;
      }
    } else {
      body = text;
    }
  }
  const result = await routes.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: request.method ?? 'GET', headers, search, body },
    context: () => routes.createContext(headers),
  });
  for (const [name, value] of result.headers) response.setHeader(name, value);
  response.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    response.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}

export function createHttpServer(routes: HttpRoutes): Server {
  return createServer((request, response) => {
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    const search = queryStart === -1 ? '' : url.slice(queryStart);
    const route = routes.routes?.[path];
    const handling = route !== undefined ? Promise.resolve(route(request, response)) : path === '/graphql' ? handleGraphQL(routes, request, response, search) : null;
    if (handling === null) {
      sendJson(response, 404, { error: `no route ${path}` });
      return;
    }
    handling.catch(() => {
      if (!response.headersSent) sendJson(response, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else response.destroy();
    });
  });
}
