import { randomInt, randomUUID } from 'node:crypto';
import type { Pool } from 'mysql2/promise';
import { uuidBytesOf } from '../../../src/rows/uuid-text.js';

/** One author, book, member and loan of the library, with keys of their own (UUIDs, BIGINTs past 2^53 or 2^63). */
export interface LibraryRows {
  readonly authorId: string;
  readonly bookId: string;
  readonly memberId: string;
  /** The loan's row id: its composite key as the JSON array of its key texts. */
  readonly loanId: string;
}

export function newLibraryKeys(options: { beyond2pow63?: boolean } = {}): LibraryRows {
  // Past 2^63 there is room up to 2^64 - 1 = 18446744073709551615 only.
  const [base, spread] = options.beyond2pow63 === true ? [18_446_744_073_000_000_000n, 700_000_000] : [9_007_199_254_740_993n, 2 ** 47];
  const memberId = (base + BigInt(randomInt(1, spread))).toString();
  const bookId = randomUUID();
  return { authorId: randomUUID(), bookId, memberId, loanId: JSON.stringify([bookId, memberId]) };
}

export async function insertLibraryRows(writer: Pool, keys: LibraryRows, title = 'A book'): Promise<void> {
  await writer.execute('INSERT INTO authors (id, name) VALUES (?, ?)', [
    keys.authorId.toUpperCase(),
    `Author ${keys.authorId.slice(0, 8)}`,
  ]);
  await writer.execute('INSERT INTO books (id, author_id, title, price) VALUES (?, ?, ?, ?)', [
    uuidBytesOf(keys.bookId),
    keys.authorId,
    title,
    '15.20',
  ]);
  await writer.execute('INSERT INTO members (id, email, display_name) VALUES (?, ?, ?)', [
    keys.memberId,
    `m${keys.memberId}@example.org`,
    'Reader',
  ]);
  await writer.execute('INSERT INTO loans (book_id, member_id, borrowed_at, due_on) VALUES (?, ?, ?, ?)', [
    uuidBytesOf(keys.bookId),
    keys.memberId,
    '2026-03-01 10:00:00.250',
    '2026-03-22',
  ]);
}

export async function deleteLibraryRows(writer: Pool, all: readonly LibraryRows[]): Promise<void> {
  for (const keys of all) {
    await writer.execute('DELETE FROM loans WHERE book_id = ?', [uuidBytesOf(keys.bookId)]);
    await writer.execute('DELETE FROM books WHERE id = ?', [uuidBytesOf(keys.bookId)]);
    await writer.execute('DELETE FROM members WHERE id = ?', [keys.memberId]);
    await writer.execute('DELETE FROM authors WHERE id = ?', [keys.authorId]);
  }
}
