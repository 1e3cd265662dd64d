import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Pool } from 'mysql2/promise';
import { createCacheAsideReader } from '../../../src/cache/cache-aside.js';
import { formatVersion } from '../../../src/rows/row-version.js';
import { bookEntity } from '../../../src/schema/generated/library/book.type.js';
import { loanEntity } from '../../../src/schema/generated/library/loan.type.js';
import { gatedRowSource } from '../../support/gated-row-source.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { createLibraryWriter, startLibraryHarness } from '../../support/library-harness.js';
import type { LibraryRows } from './library-rows.js';
import { deleteLibraryRows, insertLibraryRows, newLibraryKeys } from './library-rows.js';

describe('the generated library schema, read cache-aside', () => {
  let gateway: GatewayHarness;
  let writer: Pool;
  const created: LibraryRows[] = [];
  const fresh = async (options?: { beyond2pow63?: boolean }) => {
    const keys = newLibraryKeys(options);
    created.push(keys);
    await insertLibraryRows(writer, keys, '雪国 Snow Country');
    return keys;
  };
  const sqlCount = () => gateway.services.metrics.snapshot().sql_queries;

  before(async () => {
    writer = createLibraryWriter();
    gateway = await startLibraryHarness();
  });
  after(async () => {
    await deleteLibraryRows(writer, created);
    await writer.end();
    await gateway.close();
  });

  it('reads a book by its binary UUID and a loan by its composite key from MySQL on a miss, then from Redis alone', async () => {
    const keys = await fresh();
    const query = `{
      book(id: "${keys.bookId.toUpperCase()}") { id title price inPrint author { id name } loans { nodes { memberId } } }
      loan(bookId: "${keys.bookId}", memberId: "${keys.memberId}") { bookId memberId borrowedAt dueOn returnedAt member { id } }
    }`;
    const before = sqlCount();
    const miss = await gateway.query(query);
    assert.equal(miss.body.errors, undefined, miss.text);
    assert.deepEqual(miss.body.data, {
      book: {
        id: keys.bookId,
        title: '雪国 Snow Country',
        price: '15.20',
        inPrint: true,
        author: { id: keys.authorId, name: `Author ${keys.authorId.slice(0, 8)}` },
        loans: { nodes: [{ memberId: keys.memberId }] },
      },
      loan: {
        bookId: keys.bookId,
        memberId: keys.memberId,
        borrowedAt: '2026-03-01T10:00:00.250Z',
        dueOn: '2026-03-22',
        returnedAt: null,
        member: { id: keys.memberId },
      },
    });
    assert.ok(sqlCount() > before, 'the first read went to MySQL');
    const [cachedLoan] = await gateway.services.cache.lookup(loanEntity, [keys.loanId]);
    assert.equal(cachedLoan?.state, 'hit', 'the loan is cached under its composite row id');

    // The has-many list (loans of the book) is always one SELECT of child keys; the rows are hits.
    const single = `{ book(id: "${keys.bookId}") { title author { name } } loan(bookId: "${keys.bookId}", memberId: "${keys.memberId}") { dueOn member { displayName } } }`;
    await gateway.query(single);
    const beforeHit = sqlCount();
    const hit = await gateway.query(single);
    assert.equal(sqlCount(), beforeHit, 'the second read was answered from Redis alone');
    assert.deepEqual(hit.body.data, {
      book: { title: '雪国 Snow Country', author: { name: `Author ${keys.authorId.slice(0, 8)}` } },
      loan: { dueOn: '2026-03-22', member: { displayName: 'Reader' } },
    });
  });

  it('batches relations per level: three books with their authors, loans and members in five statements', async () => {
    const sets = [await fresh(), await fresh(), await fresh()];
    const before = sqlCount();
    const response = await gateway.query(
      `{ books(ids: [${sets.map((keys) => `"${keys.bookId}"`).join(', ')}]) { author { id } loans { nodes { member { id } } } } }`,
    );
    assert.deepEqual(
      response.body.data?.books,
      sets.map((keys) => ({ author: { id: keys.authorId }, loans: { nodes: [{ member: { id: keys.memberId } }] } })),
    );
    // books by id, authors by id, the loans' keys of all three books, the loans, the members: one each.
    assert.equal(sqlCount() - before, 5);
  });

  it('keeps unsigned BIGINT keys past 2^53 and 2^63 exact, and refuses ids of the wrong shape', async () => {
    const keys = await fresh({ beyond2pow63: true });
    const response = await gateway.query(`{ members(ids: ["${keys.memberId}", "1"]) { id loans { nodes { book { id } } } } }`);
    assert.deepEqual(response.body.data, { members: [{ id: keys.memberId, loans: { nodes: [{ book: { id: keys.bookId } }] } }] });
    const refused = await gateway.query(`{ book(id: "42") { id } loan(bookId: "${keys.bookId}", memberId: "-1") { dueOn } }`);
    assert.deepEqual(
      refused.body.errors?.map((error) => [error.extensions?.code, error.message]),
      [
        ['BAD_USER_INPUT', 'id must be a UUID (8-4-4-4-12 hex), got "42"'],
        ['BAD_USER_INPUT', 'memberId must be a positive integer id up to 18446744073709551615, got "-1"'],
      ],
    );
  });

  /** Each keyed entity: the row id the cache uses, how the test changes the row in MySQL, and the column it watches. */
  const races = [
    {
      label: 'a loan (composite key)',
      entity: loanEntity,
      idOf: (keys: LibraryRows) => keys.loanId,
      column: 'due_on',
      was: '2026-03-22',
      becomes: '2026-04-30',
      update: (keys: LibraryRows) => writer.execute('UPDATE loans SET due_on = ? WHERE member_id = ?', ['2026-04-30', keys.memberId]),
      remove: (keys: LibraryRows) => writer.execute('DELETE FROM loans WHERE member_id = ?', [keys.memberId]),
    },
    {
      label: 'a book (BINARY(16) UUID key)',
      entity: bookEntity,
      idOf: (keys: LibraryRows) => keys.bookId,
      column: 'title',
      was: '雪国 Snow Country',
      becomes: 'Snow Country, 2nd ed.',
      update: (keys: LibraryRows) =>
        writer.execute('UPDATE books SET title = ? WHERE author_id = ?', ['Snow Country, 2nd ed.', keys.authorId]),
      remove: async (keys: LibraryRows) => {
        await writer.execute('DELETE FROM loans WHERE member_id = ?', [keys.memberId]);
        await writer.execute('DELETE FROM books WHERE author_id = ?', [keys.authorId]);
      },
    },
  ];
  for (const race of races) {
    for (const change of ['update', 'delete'] as const) {
      it(`never leaves an old ${race.label} in the cache when its ${change} lands between a reader's SELECT and its fill`, async () => {
        const keys = await fresh();
        const id = race.idOf(keys);
        const { cache, metrics, rows } = gateway.services;
        const gated = gatedRowSource(rows);
        const reader = createCacheAsideReader({ cache, rows: gated.rows, metrics });
        // 1. The reader misses and takes a lease, 2. reads the old row from MySQL, then stalls.
        const reading = reader.loadMany(race.entity, [id]);
        await gated.hasRead;

        // 3. The change commits and is applied to the cache (version-guarded) while the reader stalls.
        if (change === 'update') {
          await race.update(keys);
          const [row] = [...(await rows.selectByIds(race.entity, [id])).values()];
          assert.equal(row?.[race.column], race.becomes);
          const { applied } = await cache.applyChanges(race.entity, [
            { id, version: formatVersion(1000n), kind: 'write', row: row ?? null },
          ]);
          assert.equal(applied, 1);
        } else {
          await race.remove(keys);
          const { applied } = await cache.applyChanges(race.entity, [{ id, version: formatVersion(1000n), kind: 'delete', row: null }]);
          assert.equal(applied, 1);
        }
        const rejectedBefore = metrics.snapshot().cache_fills_rejected;

        // 4. The reader resumes and tries to fill with the old row it read.
        gated.openGate();
        const [answered] = await reading;
        assert.equal(answered?.[race.column], race.was, 'the stalled reader answers what it read');
        assert.equal(metrics.snapshot().cache_fills_rejected, rejectedBefore + 1, 'its fill was rejected');
        const [cached] = await cache.lookup(race.entity, [id]);
        if (change === 'update') {
          assert.ok(
            cached?.state === 'miss' || (cached?.state === 'hit' && cached.row[race.column] === race.becomes),
            JSON.stringify(cached),
          );
        } else assert.equal(cached?.state, 'known-missing');
        const [after] = await createCacheAsideReader({ cache, rows, metrics }).loadMany(race.entity, [id]);
        assert.equal(after?.[race.column] ?? null, change === 'update' ? race.becomes : null);
      });
    }
  }

  it('keeps a deleted book (binary UUID) and loan (composite key) deleted when older writes are replayed after the deletes', async () => {
    const keys = await fresh();
    const { cache } = gateway.services;
    for (const [entity, id] of [
      [bookEntity, keys.bookId],
      [loanEntity, keys.loanId],
    ] as const) {
      await cache.applyChanges(entity, [{ id, version: formatVersion(30n), kind: 'delete', row: null }]);
      const replay = await cache.applyChanges(entity, [{ id, version: formatVersion(25n), kind: 'write', row: { title: 'resurrected' } }]);
      assert.deepEqual(replay, { applied: 0, stale: 1, appliedIds: [] });
      const [cached] = await cache.lookup(entity, [id]);
      assert.equal(cached?.state, 'known-missing', `${entity.name} stays deleted`);
    }
  });
});
