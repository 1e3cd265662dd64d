import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger, fixedFieldLogger } from '../../../src/observability/logger.js';
import { createRequestScope } from '../../../src/observability/request-scope.js';

function capture(level: 'info' | 'warn' = 'info') {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger: createLogger({ level, destination }), lines };
}

describe('request scope', () => {
  it('puts the request id on every line logged through the scope, and only there', () => {
    const { logger, lines } = capture();
    const first = createRequestScope('req-1', logger);
    const second = createRequestScope('req-2', logger);
    first.logger.warn({ step: 'limiter' }, 'one');
    second.logger.info({}, 'two');
    first.logger.child({ part: 'search' }).error({}, 'three');
    logger.info({}, 'outside');
    assert.deepEqual(
      lines().map((line) => [line.msg, line.requestId, line.part]),
      [
        ['one', 'req-1', undefined],
        ['two', 'req-2', undefined],
        ['three', 'req-1', 'search'],
        ['outside', undefined, undefined],
      ],
    );
  });

  it('starts each request with an empty cache tally and no operation name', () => {
    const scope = createRequestScope('req-3', capture().logger);
    scope.cacheTally.hits += 2;
    assert.deepEqual(createRequestScope('req-4', capture().logger).cacheTally, { hits: 0, misses: 0 });
    assert.equal(scope.operationName, null);
  });
});

describe('fixed-field logger', () => {
  it('writes to the same destination at the same level, without the redaction the main logger applies', () => {
    const { logger, lines } = capture('warn');
    const plain = fixedFieldLogger(logger);
    logger.warn({ token: 'secret-1' }, 'redacted');
    plain.warn({ token: 'kept-2' }, 'plain');
    plain.info({}, 'below the level');
    assert.deepEqual(
      lines().map((line) => [line.msg, line.token, line.name]),
      [
        ['redacted', '[redacted]', 'gateway'],
        ['plain', 'kept-2', 'gateway'],
      ],
    );
  });
});
