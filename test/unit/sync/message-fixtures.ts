import assert from 'node:assert/strict';
import type { DecodedChange, RawMessage, RowChange } from '../../../src/sync/change.js';

export interface MessageOptions {
  /** An object is JSON-encoded; a string is sent as is (to carry numbers JSON.stringify would round). */
  readonly value: unknown;
  readonly key?: unknown;
  readonly topic?: string;
  readonly partition?: number;
  readonly offset?: string | number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One Kafka record as the consumer hands it to a decoder. */
export function rawMessage(options: MessageOptions): RawMessage {
  return {
    topic: options.topic ?? 'shop.shop.products',
    partition: options.partition ?? 0,
    offset: String(options.offset ?? 0),
    key: encode(options.key),
    value: encode(options.value),
    headers: options.headers ?? {},
  };
}

function encode(payload: unknown): Buffer | null {
  if (payload === undefined || payload === null) return null;
  return Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload), 'utf8');
}

export function onlyChange(changes: readonly DecodedChange[]): DecodedChange {
  assert.equal(changes.length, 1, `expected one change, got ${changes.length}`);
  const [change] = changes;
  assert.ok(change !== undefined);
  return change;
}

export function rowChanges(changes: readonly DecodedChange[]): RowChange[] {
  return changes.map((change) => {
    assert.equal(change.kind, 'row', `expected a row change, got ${change.kind}`);
    return change;
  });
}

export function onlyRowChange(changes: readonly DecodedChange[]): RowChange {
  const [change] = rowChanges([onlyChange(changes)]);
  assert.ok(change !== undefined);
  return change;
}

/** Asserts a GatewayError with the given code whose message matches every pattern. */
export function assertGatewayError(run: () => unknown, code: string, ...patterns: RegExp[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof Error, 'expected an Error');
    assert.equal((error as Error & { code?: string }).code, code, error.message);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  });
}
