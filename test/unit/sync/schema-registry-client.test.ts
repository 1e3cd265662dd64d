import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../../src/errors.js';
import { createSchemaRegistryClient } from '../../../src/sync/schema-registry-client.js';

const keySchema = JSON.stringify({ type: 'record', name: 'Key', fields: [{ name: 'id', type: 'long' }] });

/** A stand-in for the registry's HTTP answers (the real registry runs in the integration tests). */
function fakeFetch(answer: (id: number) => Response | Error) {
  const asked: number[] = [];
  const fetchImpl = ((input: string | URL | Request) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const id = Number(/\/schemas\/ids\/(\d+)$/.exec(url)?.[1]);
    asked.push(id);
    const result = answer(id);
    return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
  }) as typeof fetch;
  return { fetchImpl, asked };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('createSchemaRegistryClient', () => {
  it('fetches each schema id once and keeps it compiled', async () => {
    const { fetchImpl, asked } = fakeFetch(() => json({ schema: keySchema }));
    const client = createSchemaRegistryClient({ url: 'http://registry.test/apis/ccompat/v6/', fetch: fetchImpl });
    await client.prefetch([4, 4]);
    await client.prefetch([4]);
    assert.deepEqual(asked, [4]);
    const found = client.schemaById(4);
    assert.ok('schema' in found);
    assert.deepEqual(found.schema.toConnectValue(found.schema.type.fromBuffer(Buffer.from([0x54]))), { id: 42 });
  });

  it('reports an id the registry does not know as a problem of its messages, and asks again next time', async () => {
    const { fetchImpl, asked } = fakeFetch(() => json({ error_code: 40403, message: 'not found' }, 404));
    const client = createSchemaRegistryClient({ url: 'http://registry.test', fetch: fetchImpl });
    await client.prefetch([77]);
    assert.deepEqual(client.schemaById(77), { problem: 'schema id 77 does not exist in the schema registry (404)' });
    await client.prefetch([77]);
    assert.deepEqual(asked, [77, 77]);
  });

  it('fails retriably while the registry is unreachable or failing, so the partition waits', async () => {
    for (const answer of [new TypeError('fetch failed'), json({ message: 'boom' }, 503)]) {
      const { fetchImpl } = fakeFetch(() => answer);
      const client = createSchemaRegistryClient({ url: 'http://registry.test', fetch: fetchImpl });
      await assert.rejects(client.prefetch([5]), (error: unknown) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.code, 'SCHEMA_REGISTRY_UNAVAILABLE');
        assert.equal(error.retriable, true);
        assert.match(error.message, /schema id 5/);
        return true;
      });
      assert.ok('problem' in client.schemaById(5), 'nothing is cached from a failed fetch');
    }
  });

  it('turns a schema that is not usable Avro into a problem of its messages rather than an outage', async () => {
    const { fetchImpl } = fakeFetch((id) =>
      id === 1 ? json({ schema: '{"type":"record"}' }) : json({ schema: '{}', schemaType: 'PROTOBUF' }),
    );
    const client = createSchemaRegistryClient({ url: 'http://registry.test', fetch: fetchImpl });
    await client.prefetch([1, 2]);
    assert.match((client.schemaById(1) as { problem: string }).problem, /schema id 1 is not a usable Avro schema/);
    assert.deepEqual(client.schemaById(2), { problem: 'schema id 2 is a "PROTOBUF" schema, not Avro' });
  });
});
