import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitSqlStatements } from '../../../src/db/sql-statements.js';

describe('splitSqlStatements', () => {
  it('splits on semicolons and drops line comments and empty statements', () => {
    const sql = '-- header\nCREATE TABLE a (id INT); -- trailing\n\n# hash comment\nCREATE TABLE b (id INT);\n;\n';
    assert.deepEqual(splitSqlStatements(sql), ['CREATE TABLE a (id INT)', 'CREATE TABLE b (id INT)']);
  });

  it('keeps semicolons and comment markers inside quotes and block comments', () => {
    const sql = "INSERT INTO t VALUES ('a;b', 'it''s -- fine', \"x\\\";y\");\nSELECT `odd;name` /* ; */ FROM t;";
    assert.deepEqual(splitSqlStatements(sql), [
      "INSERT INTO t VALUES ('a;b', 'it''s -- fine', \"x\\\";y\")",
      'SELECT `odd;name` /* ; */ FROM t',
    ]);
  });

  it('treats -- without a following space as an operator, like MySQL does', () => {
    assert.deepEqual(splitSqlStatements('SELECT 1--1;'), ['SELECT 1--1']);
  });

  it('returns the last statement even without a closing semicolon', () => {
    assert.deepEqual(splitSqlStatements('SELECT 1;\nSELECT 2'), ['SELECT 1', 'SELECT 2']);
  });

  it('refuses an unterminated string', () => {
    assert.throws(() => splitSqlStatements("SELECT 'oops;"), /unterminated/);
  });
});
