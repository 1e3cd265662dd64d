/**
 * The example library's demo rows: a handful, fixed (the same on every machine), chosen to show
 * each key type the schema has — text and binary UUIDs, unsigned BIGINTs beyond 2^53 and 2^63, a
 * composite key — and the foreign keys between them. Written with ordinary INSERTs, so CDC sees them.
 */
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { uuidBytesOf } from '../rows/uuid-text.js';

export const libraryDemo = {
  authors: [
    ['3f2b8c4e-1d7a-4e5b-9c60-8a1f2e3d4c5b', 'Ursula K. Le Guin', '1929-10-21', 'Wrote of Earthsea and Anarres.'],
    ['a0c4e6f8-2b4d-4f6a-8c0e-1a3b5c7d9e0f', '刘慈欣 (Liu Cixin)', '1963-06-23', null],
    ['5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9', 'Italo Calvino', '1923-10-15', 'Cosmicomiche e città invisibili.'],
  ],
  genres: [
    [1, 'Science fiction', 'science-fiction'],
    [2, 'Fantasy', 'fantasy'],
    [3, 'Literary fiction', 'literary-fiction'],
  ],
  books: [
    [
      '0b6e2d1c-4a3f-4c8e-9d7b-1e2f3a4b5c6d',
      '3f2b8c4e-1d7a-4e5b-9c60-8a1f2e3d4c5b',
      2,
      'A Wizard of Earthsea',
      '9780547773742',
      '9.99',
      183,
    ],
    ['1c7f3e2d-5b4a-4d9f-8e0c-2f3a4b5c6d7e', '3f2b8c4e-1d7a-4e5b-9c60-8a1f2e3d4c5b', 1, 'The Dispossessed', '9780061054884', '12.50', 387],
    ['2d8a4f3e-6c5b-4ea0-9f1d-3a4b5c6d7e8f', 'a0c4e6f8-2b4d-4f6a-8c0e-1a3b5c7d9e0f', 1, '三体', '9787536692930', '23.00', 302],
    [
      '3e9b5a4f-7d6c-4fb1-a02e-4b5c6d7e8f90',
      '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
      3,
      'Le città invisibili',
      '9788804668237',
      '11.00',
      164,
    ],
  ],
  members: [
    ['1001', 'ada@example.org', 'Ada', 'premium'],
    // 2^53 + 1: a JavaScript number cannot hold it; it must stay exact from MySQL to the client.
    ['9007199254740993', 'grace@example.org', 'Grace', 'basic'],
    // Beyond 2^63: Debezium sends it as a negative long (bigint.unsigned.handling.mode=long).
    ['18446744073709551610', 'alan@example.org', 'Alan', 'basic'],
  ],
  loans: [
    ['0b6e2d1c-4a3f-4c8e-9d7b-1e2f3a4b5c6d', '1001', '2026-01-05 10:00:00.000', '2026-01-26', '2026-01-20 16:30:00.000'],
    ['2d8a4f3e-6c5b-4ea0-9f1d-3a4b5c6d7e8f', '1001', '2026-02-01 09:15:00.000', '2026-02-22', null],
    ['2d8a4f3e-6c5b-4ea0-9f1d-3a4b5c6d7e8f', '9007199254740993', '2026-02-03 18:45:00.000', '2026-02-24', null],
    ['1c7f3e2d-5b4a-4d9f-8e0c-2f3a4b5c6d7e', '18446744073709551610', '2026-02-10 12:00:00.000', '2026-03-03', null],
  ],
} as const;

export async function isLibraryEmpty(pool: Pool): Promise<boolean> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT 1 FROM authors LIMIT 1');
  return rows.length === 0;
}

/** Loads the demo rows into the (empty) library tables, parents before children. */
export async function loadLibraryDemo(pool: Pool): Promise<number> {
  const { authors, genres, books, members, loans } = libraryDemo;
  const insert = async (sql: string, rows: readonly (readonly (string | number | Buffer | null)[])[]) => {
    for (const row of rows) await pool.execute(sql, [...row]);
  };
  await insert('INSERT INTO authors (id, name, born_on, biography) VALUES (?, ?, ?, ?)', authors);
  await insert('INSERT INTO genres (id, name, slug) VALUES (?, ?, ?)', genres);
  await insert(
    `INSERT INTO books (id, author_id, genre_id, title, isbn, price, pages, details) VALUES (?, ?, ?, ?, ?, ?, ?, JSON_OBJECT('language', 'original'))`,
    books.map(([id, ...rest]) => [uuidBytesOf(id), ...rest]),
  );
  await insert('INSERT INTO members (id, email, display_name, tier) VALUES (?, ?, ?, ?)', members);
  await insert(
    'INSERT INTO loans (book_id, member_id, borrowed_at, due_on, returned_at) VALUES (?, ?, ?, ?, ?)',
    loans.map(([bookId, ...rest]) => [uuidBytesOf(bookId), ...rest]),
  );
  return authors.length + genres.length + books.length + members.length + loans.length;
}
