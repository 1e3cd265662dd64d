import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Admin } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { silentLogger } from '../../../src/observability/logger.js';
import { repoRoot } from '../../../src/repo-root.js';
import { entitiesNeedingBackfill, reindexDependencies, reindexEntities } from '../../../src/reindex/backfill.js';
import { uuidBytesOf } from '../../../src/rows/uuid-text.js';
import { bookEntity } from '../../../src/schema/generated/library/book.type.js';
import { loanEntity } from '../../../src/schema/generated/library/loan.type.js';
import { memberEntity } from '../../../src/schema/generated/library/member.type.js';
import type { EntityDeclaration } from '../../../src/schema/entity.js';
import { createCdcRuntime } from '../../../src/server/cdc-runtime.js';
import type { CdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import { waitForGroupCaughtUp } from '../../support/consumer-lag.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { createLibraryWriter, libraryEnv, startLibraryHarness } from '../../support/library-harness.js';
import { replayWithSecondGroup } from '../../support/replay-group.js';
import { startGroupAtTopicEnds, topicEnds } from '../../support/topic-positions.js';
import { compareCacheWithDatabase } from '../../support/cache-vs-database.js';
import type { LiveResult } from '../../support/live-client.js';
import { connectLive } from '../../support/live-client.js';
import type { LibraryRows } from './library-rows.js';
import { deleteLibraryRows, insertLibraryRows, newLibraryKeys } from './library-rows.js';
import { waitFor } from '../../support/wait-for.js';

describe('library: MariaDB → Debezium (library connector) → Kafka → consumer → Redis', () => {
  const group = `it-library-${randomBytes(4).toString('hex')}`;
  let gateway: GatewayHarness;
  let writer: Pool;
  let consumer: CdcConsumer;
  let admin: Admin;
  const created: LibraryRows[] = [];
  const topics = () => new RegExp(gateway.config.kafka.topicPattern);

  /** What Redis holds for the row: the consumer's writes, never a read-path fill (nothing here reads through GraphQL first). */
  const cached = async (entity: EntityDeclaration, id: string) => (await gateway.services.cache.lookup(entity, [id]))[0];

  before(async () => {
    writer = createLibraryWriter();
    gateway = await startLibraryHarness({ KAFKA_GROUP_ID: group });
    consumer = createCdcRuntime(gateway.services);
    admin = createKafka(gateway.config.kafka, silentLogger).admin();
    await admin.connect();
    await startGroupAtTopicEnds(admin, group, topics());
    // The genres index backfilled from MySQL as the gateway does on first start, the consumer live.
    const reindex = reindexDependencies(gateway.services);
    const backfill = await entitiesNeedingBackfill(reindex);
    await consumer.start();
    await reindexEntities(reindex, backfill);
    await waitFor(() => Promise.resolve(consumer.status().joined ? true : null), 60_000, 'the consumer joined its group');
    await waitForGroupCaughtUp(admin, group, topics(), 120_000);
  });
  after(async () => {
    await consumer.stop();
    await admin.disconnect();
    await deleteLibraryRows(writer, created);
    await writer.end();
    await gateway.close();
  });

  it('routes only the library topics to the library registry', () => {
    assert.equal(gateway.config.kafka.topicPattern, '^library(\\.library\\.[a-z_]+)?$');
    assert.ok(topics().test('library.library.loans'));
    assert.ok(!topics().test('shop.shop.products'));
    assert.deepEqual(
      gateway.services.registry.entities.map((entity) => entity.table),
      ['authors', 'books', 'genres', 'loans', 'members'],
    );
  });

  it('follows an insert, an update and a delete of rows keyed by UUID, by BIGINT past 2^63 and by a composite key', async () => {
    const keys = newLibraryKeys({ beyond2pow63: true });
    created.push(keys);
    await insertLibraryRows(writer, keys, 'Inserted');
    const inserted = await waitFor(
      async () => {
        const [book, member, loan] = [
          await cached(bookEntity, keys.bookId),
          await cached(memberEntity, keys.memberId),
          await cached(loanEntity, keys.loanId),
        ];
        return book?.state === 'hit' && member?.state === 'hit' && loan?.state === 'hit' ? { book, member, loan } : null;
      },
      15_000,
      'the inserted book, member and loan written to Redis by the consumer',
    );
    assert.equal(inserted.book.state === 'hit' && inserted.book.row.title, 'Inserted');
    assert.equal(inserted.member.state === 'hit' && inserted.member.row.id, keys.memberId, 'the BIGINT past 2^63 arrived exact');
    assert.deepEqual(inserted.loan.state === 'hit' && [inserted.loan.row.book_id, inserted.loan.row.member_id], [
      keys.bookId,
      keys.memberId,
    ]);

    await writer.execute('UPDATE loans SET returned_at = ? WHERE book_id = ? AND member_id = ?', [
      '2026-03-10 08:00:00.000',
      uuidBytesOf(keys.bookId),
      keys.memberId,
    ]);
    await writer.execute('UPDATE books SET title = ? WHERE id = ?', ['Updated', uuidBytesOf(keys.bookId)]);
    await waitFor(
      async () => {
        const [book, loan] = [await cached(bookEntity, keys.bookId), await cached(loanEntity, keys.loanId)];
        return book?.state === 'hit' && book.row.title === 'Updated' && loan?.state === 'hit' && loan.row.returned_at !== null
          ? true
          : null;
      },
      15_000,
      'the updates applied to Redis',
    );
    const sqlBefore = gateway.services.metrics.snapshot().sql_queries;
    const read = await gateway.query(
      `{ loan(bookId: "${keys.bookId}", memberId: "${keys.memberId}") { returnedAt book { title } member { id } } }`,
    );
    assert.deepEqual(read.body.data, {
      loan: { returnedAt: '2026-03-10T08:00:00.000Z', book: { title: 'Updated' }, member: { id: keys.memberId } },
    });
    assert.equal(gateway.services.metrics.snapshot().sql_queries, sqlBefore, 'answered from what the consumer wrote, without SQL');

    await writer.execute('DELETE FROM loans WHERE book_id = ? AND member_id = ?', [uuidBytesOf(keys.bookId), keys.memberId]);
    await writer.execute('DELETE FROM books WHERE id = ?', [uuidBytesOf(keys.bookId)]);
    await waitFor(
      async () => {
        const [book, loan] = [await cached(bookEntity, keys.bookId), await cached(loanEntity, keys.loanId)];
        return book?.state === 'known-missing' && loan?.state === 'known-missing' ? true : null;
      },
      15_000,
      'the deletes tombstoned in Redis',
    );
    const gone = await gateway.query(
      `{ loan(bookId: "${keys.bookId}", memberId: "${keys.memberId}") { dueOn } book(id: "${keys.bookId}") { id } }`,
    );
    assert.deepEqual(gone.body.data, { loan: null, book: null });
  });

  it('changes nothing in Redis when the library topics are replayed after a loan and its book were deleted', async () => {
    const keys = newLibraryKeys();
    created.push(keys);
    const beforeWrites = await topicEnds(admin, topics());
    await insertLibraryRows(writer, keys, 'Replayed');
    await writer.execute('UPDATE books SET title = ? WHERE id = ?', ['Replayed twice', uuidBytesOf(keys.bookId)]);
    await writer.execute('DELETE FROM loans WHERE book_id = ? AND member_id = ?', [uuidBytesOf(keys.bookId), keys.memberId]);
    const { cache, rows, redis } = gateway.services;
    await waitFor(
      async () => {
        const loan = await compareCacheWithDatabase(cache, rows, loanEntity, [keys.loanId]);
        const book = await compareCacheWithDatabase(cache, rows, bookEntity, [keys.bookId]);
        const [cachedLoan] = await cache.lookup(loanEntity, [keys.loanId]);
        return loan.equal === 1 && book.equal === 1 && cachedLoan?.state === 'known-missing' ? true : null;
      },
      15_000,
      'the cache equals MySQL, the loan tombstoned',
    );
    const entryKeys = [
      cache.keyOf(loanEntity, keys.loanId),
      cache.keyOf(bookEntity, keys.bookId),
      cache.keyOf(memberEntity, keys.memberId),
    ];
    const before = await redis.mget(entryKeys);

    // A second group over the same Redis replays every change since: the insert of the loan and the
    // book's first title must not come back.
    await replayWithSecondGroup(admin, gateway.services, `${group}-replay`, beforeWrites);
    assert.deepEqual(await redis.mget(entryKeys), before, 'every entry, version included, is unchanged');
    const [loan] = await cache.lookup(loanEntity, [keys.loanId]);
    assert.equal(loan?.state, 'known-missing', 'the deleted loan did not come back');
  });

  it('delivers loanChanged (composite key) events from the generated subscriptions, in version order', async () => {
    const keys = newLibraryKeys();
    created.push(keys);
    const before = gateway.api.changes?.size() ?? 0;
    const connection = connectLive(gateway.api.url);
    try {
      const live = connection.subscribe(
        `subscription ($ids: [ID!]) { loanChanged(ids: $ids) { id version kind row { dueOn returnedAt member { id } } } }`,
        { ids: [keys.loanId] },
      );
      await waitFor(() => ((gateway.api.changes?.size() ?? 0) > before ? true : null), 10_000, 'the subscription registered');
      await insertLibraryRows(writer, keys);
      const change = (result: LiveResult) =>
        result.data?.loanChanged as { id: string; kind: string; row: Record<string, unknown> | null } | undefined;
      const inserted = change(await live.waitFor((result) => change(result)?.kind === 'INSERT', 30_000, 'the insert event'));
      assert.deepEqual(inserted, {
        ...inserted,
        id: keys.loanId,
        row: { dueOn: '2026-03-22', returnedAt: null, member: { id: keys.memberId } },
      });
      await writer.execute('DELETE FROM loans WHERE book_id = ? AND member_id = ?', [uuidBytesOf(keys.bookId), keys.memberId]);
      await live.waitFor((result) => change(result)?.kind === 'DELETE', 30_000, 'the delete event');
      assert.deepEqual(
        live.results.map((result) => change(result)?.kind),
        ['INSERT', 'DELETE'],
      );
    } finally {
      await connection.close();
    }
  });

  it('holds the generated lists to the same cost limit as the shop', async () => {
    const response = await gateway.query(
      '{ allBooks(first: 100) { nodes { loans(first: 100) { nodes { member { loans(first: 100) { nodes { dueOn } } } } } } } }',
    );
    assert.equal(response.body.errors?.[0]?.extensions?.code, 'QUERY_TOO_COMPLEX', response.text);
    const small = await gateway.query('{ allBooks(first: 2) { nodes { title } pageInfo { hasNextPage } } }');
    assert.equal(small.body.errors, undefined, small.text);
  });

  it('is clean by `npm run check` for the library schema once the consumer caught up', { timeout: 240_000 }, async () => {
    const keys = newLibraryKeys();
    created.push(keys);
    await insertLibraryRows(writer, keys, 'Checked');
    await writer.execute('UPDATE members SET tier = ? WHERE id = ?', ['premium', keys.memberId]);
    await waitForGroupCaughtUp(admin, group, topics(), 120_000);
    const { config } = gateway;
    const check = promisify(execFile)(process.execPath, ['dist/src/cli/check.js'], {
      cwd: repoRoot(),
      env: {
        ...process.env,
        ...libraryEnv(),
        KAFKA_GROUP_ID: group,
        REDIS_KEY_PREFIX: config.redis.keyPrefix,
        ELASTICSEARCH_INDEX_PREFIX: config.elasticsearch.indexPrefix,
        LOG_LEVEL: 'silent',
      },
      timeout: 200_000,
    });
    const { stdout } = await check.catch((error: Error & { stdout?: string }) =>
      assert.fail(`npm run check failed:\n${error.stdout ?? error.message}`),
    );
    for (const table of ['authors', 'books', 'genres', 'loans', 'members'])
      assert.match(stdout, new RegExp(`^${table}\\s+\\d+\\s+0/0/0/0`, 'm'));
    assert.match(stdout, /no problems found/);
  });
});
