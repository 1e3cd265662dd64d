import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { repoRoot } from '../repo-root.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The page only talks to this origin and runs only its own files: a script injected through a
 * product name (the page escapes them, but defence in depth) could not load or send anything.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Where the page's files live: plain HTML, CSS and ES modules, served as they are (no build step). */
export const webRoot = (): string => join(repoRoot(), 'src', 'web');

/**
 * Routes for the demo search page: `/` and every file of src/web at `/<name>`. Read once at start
 * (a few kilobytes), so a request never touches the disk. No folder (an image built without it):
 * no routes, and the API still starts.
 */
export function webRoutes(directory: string = webRoot()) {
  const routes: Record<string, (request: IncomingMessage, response: ServerResponse) => void> = {};
  if (!existsSync(directory)) return routes;
  for (const name of readdirSync(directory)) {
    const type = CONTENT_TYPES[extname(name)];
    if (type === undefined) continue;
    const content = readFileSync(join(directory, name));
    routes[name === 'index.html' ? '/' : `/${name}`] = (request, response) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { allow: 'GET, HEAD' });
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': type, 'content-length': content.length, 'cache-control': 'no-cache', ...SECURITY_HEADERS });
      response.end(request.method === 'HEAD' ? undefined : content);
    };
  }
  return routes;
}
