import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { GatewayProcess } from '../ops/gateway-process.js';
import { spawnGateway } from '../ops/gateway-process.js';
import { ensureLibraryDemo, libraryEnv } from '../../support/library-harness.js';

describe('npm start -- --schema library', () => {
  const unique = randomBytes(4).toString('hex');
  const processes: GatewayProcess[] = [];
  before(ensureLibraryDemo);
  after(() => {
    for (const gateway of processes) gateway.child.kill('SIGKILL');
  });

  const spawn = async (env: Record<string, string>, args: string[]) => {
    const gateway = await spawnGateway(
      {
        ...env,
        KAFKA_GROUP_ID: `it-schema-${unique}`,
        REDIS_KEY_PREFIX: `it:${unique}:`,
        ELASTICSEARCH_INDEX_PREFIX: `it-${unique}-`,
      },
      args,
    );
    processes.push(gateway);
    return gateway;
  };
  const query = async (gateway: GatewayProcess, text: string) => {
    const response = await fetch(`${gateway.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: text }),
    });
    return (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
  };

  it('serves the generated library schema, and GATEWAY_SCHEMA does the same', async () => {
    const { GATEWAY_SCHEMA: _schema, ...database } = libraryEnv();
    const byFlag = await spawn(database, ['--api-only', '--schema', 'library']);
    const answer = await query(
      byFlag,
      '{ member(id: "9007199254740993") { displayName loans { nodes { book { title author { name } } } } } }',
    );
    assert.deepEqual(answer, {
      data: { member: { displayName: 'Grace', loans: { nodes: [{ book: { title: '三体', author: { name: '刘慈欣 (Liu Cixin)' } } }] } } },
    });
    const shopField = await query(byFlag, '{ product(id: 1) { id } }');
    assert.match(shopField.errors?.[0]?.message ?? '', /Cannot query field "product"/, 'the shop is not served beside it');

    const byEnv = await spawn(libraryEnv(), ['--api-only']);
    assert.deepEqual(await query(byEnv, '{ genre(id: 1) { name } }'), { data: { genre: { name: 'Science fiction' } } });
  });

  it('refuses to start on a schema that was not generated, naming the variable and the fix', async () => {
    await assert.rejects(
      spawn({ GATEWAY_SCHEMA: 'inventory' }, ['--api-only']),
      /GATEWAY_SCHEMA="inventory" is invalid: there is no src\/schema\/generated\/inventory \(write it with npm run generate/,
    );
  });
});
