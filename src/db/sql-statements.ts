/**
 * Splits a migration file into single statements, because the gateway's connections run with
 * multipleStatements off. It is a small scanner rather than a regex so that a `;` or `--` inside a
 * quoted string, a quoted identifier or a block comment never splits a statement. Files hold no
 * stored procedures, so there is no DELIMITER handling.
 */
export function splitSqlStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let segmentStart = 0;
  let i = 0;
  const keepSegment = (end: number) => {
    current += sql.slice(segmentStart, end);
  };
  const endStatement = () => {
    const statement = current.trim();
    if (statement !== '') statements.push(statement);
    current = '';
  };

  while (i < sql.length) {
    const ch = sql[i];
    const next = sql[i + 1];
    if (ch === "'" || ch === '"' || ch === '`') {
      i = endOfQuoted(sql, i);
    } else if (ch === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close === -1) throw new SyntaxError(`unterminated /* comment starting at offset ${i}`);
      // Block comments stay: MySQL's /*! ... */ version comments are executable.
      i = close + 2;
    } else if ((ch === '-' && next === '-' && isBlankOrEnd(sql[i + 2])) || ch === '#') {
      // MySQL needs whitespace after `--`; `#` also starts a line comment. The newline is kept.
      keepSegment(i);
      const newline = sql.indexOf('\n', i);
      i = newline === -1 ? sql.length : newline;
      segmentStart = i;
    } else if (ch === ';') {
      keepSegment(i);
      endStatement();
      i += 1;
      segmentStart = i;
    } else {
      i += 1;
    }
  }
  keepSegment(sql.length);
  endStatement();
  return statements;
}

function isBlankOrEnd(ch: string | undefined): boolean {
  return ch === undefined || ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/** Index just past the closing quote; handles backslash escapes and doubled quotes. */
function endOfQuoted(sql: string, start: number): number {
  const quote = sql[start];
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === '\\' && quote !== '`') {
      i += 2;
    } else if (ch === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i += 2;
    } else {
      i += 1;
    }
  }
  throw new SyntaxError(`unterminated ${quote ?? ''} quote starting at offset ${start}`);
}
