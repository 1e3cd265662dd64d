import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Client } from '@elastic/elasticsearch';
import { isGatewayError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/observability/logger.js';
import type { BulkWriter, ShardRow } from '../../../src/index/bulk-writer.js';
import { sendBulk, shardsNeverWritten } from '../../../src/index/bulk-writer.js';
import type { BulkOperation } from '../../../src/index/search-documents.js';

type Item = { status: number; error?: { type: string; reason: string } };

/** A client whose _bulk answers from a script, one response per call, recording each body. */
function scriptedWriter(responses: Item[][]): { writer: BulkWriter; bodies: string[] } {
  const bodies: string[] = [];
  const client = {
    transport: {
      request: (params: { bulkBody: Buffer }) => {
        bodies.push(params.bulkBody.toString('utf8'));
        const items = responses.shift() ?? [];
        return Promise.resolve({ items: items.map((item) => ({ index: item })) });
      },
    },
  } as unknown as Client;
  return { writer: { client, logger: silentLogger, metrics: undefined, retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 } }, bodies };
}

const operation = (id: string): BulkOperation => ({
  action: 'index',
  index: 'gw-products',
  id,
  version: 5n,
  versionType: 'external',
  document: { id },
});
const busy: Item = { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } };

describe('sendBulk', () => {
  it('resends only the throttled items and reports every final outcome in order', async () => {
    const { writer, bodies } = scriptedWriter([
      [{ status: 201 }, busy, { status: 409, error: { type: 'version_conflict_engine_exception', reason: 'newer' } }],
      [{ status: 200 }],
    ]);
    assert.deepEqual(await sendBulk(writer, [operation('1'), operation('2'), operation('3')]), ['applied', 'applied', 'stale']);
    assert.equal(bodies.length, 2);
    assert.match(bodies[1] ?? '', /^\{"index":\{"_index":"gw-products","_id":"2"/);
    assert.equal((bodies[1] ?? '').split('\n').length, 3);
  });

  it('rejects with a retriable SEARCH_UNAVAILABLE when items keep failing', async () => {
    const unavailable: Item = { status: 503, error: { type: 'unavailable_shards_exception', reason: 'primary shard is not active' } };
    const { writer, bodies } = scriptedWriter([[unavailable], [unavailable], [unavailable]]);
    await assert.rejects(sendBulk(writer, [operation('1')]), (error: unknown) => {
      assert.ok(isGatewayError(error));
      assert.equal(error.code, 'SEARCH_UNAVAILABLE');
      assert.equal(error.retriable, true);
      assert.match(error.message, /unavailable_shards_exception/);
      return true;
    });
    assert.equal(bodies.length, 3);
  });

  it('does not retry a document Elasticsearch rejects as malformed', async () => {
    const { writer, bodies } = scriptedWriter([
      [{ status: 400, error: { type: 'document_parsing_exception', reason: 'failed to parse field [stock]' } }, { status: 201 }],
    ]);
    assert.deepEqual(await sendBulk(writer, [operation('1'), operation('2')]), ['rejected', 'applied']);
    assert.equal(bodies.length, 1);
  });
});

describe('shardsNeverWritten', () => {
  const primary = (seqNo: string | null, state = 'STARTED'): ShardRow => ({ prirep: 'p', state, 'seq_no.max': seqNo });

  it('is true only when every primary is started and has never assigned a sequence number', () => {
    assert.equal(shardsNeverWritten([primary('-1'), primary('-1'), { prirep: 'r', state: 'UNASSIGNED', 'seq_no.max': null }]), true);
  });

  it('is false as soon as one primary has taken a write, refreshed or not', () => {
    assert.equal(shardsNeverWritten([primary('-1'), primary('0')]), false);
  });

  it('is false when a primary is not started, so its sequence numbers are unknown', () => {
    assert.equal(shardsNeverWritten([primary('-1'), primary(null, 'UNASSIGNED')]), false);
    assert.equal(shardsNeverWritten([primary('-1', 'RELOCATING')]), false);
  });

  it('is false when no primary is listed at all', () => {
    assert.equal(shardsNeverWritten([]), false);
    assert.equal(shardsNeverWritten([{ prirep: 'r', state: 'STARTED', 'seq_no.max': '-1' }]), false);
  });
});
