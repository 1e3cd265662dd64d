import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KafkaMessage } from 'kafkajs';
import { GatewayError } from '../../../src/errors.js';
import { DEAD_LETTER_HEADERS, createDeadLetterPublisher, deadLetterRecord } from '../../../src/sync/dead-letter.js';

const message: KafkaMessage = {
  key: Buffer.from('{"id":7}'),
  value: Buffer.from([0x7b, 0x22, 0xff, 0x00]),
  headers: { 'trace-id': Buffer.from('abc'), repeated: ['one', 'two'] },
  offset: '41',
  timestamp: '1740824162000',
  attributes: 0,
};

describe('deadLetterRecord', () => {
  it('keeps the original key, value and headers byte for byte and says where the message came from and why', () => {
    const record = deadLetterRecord({
      topic: 'shop.shop.products',
      partition: 2,
      message,
      error: new GatewayError('CDC_DECODE_FAILED', 'bad json'),
    });
    assert.equal(record.key, message.key);
    assert.equal(record.value, message.value);
    assert.deepEqual(record.headers, {
      'trace-id': Buffer.from('abc'),
      repeated: ['one', 'two'],
      [DEAD_LETTER_HEADERS.error]: 'bad json',
      [DEAD_LETTER_HEADERS.code]: 'CDC_DECODE_FAILED',
      [DEAD_LETTER_HEADERS.topic]: 'shop.shop.products',
      [DEAD_LETTER_HEADERS.partition]: '2',
      [DEAD_LETTER_HEADERS.offset]: '41',
    });
  });

  it('codes an unexpected error as INTERNAL and bounds its text', () => {
    const record = deadLetterRecord({ topic: 't', partition: 0, message, error: new Error('x'.repeat(10_000)) });
    assert.equal(record.headers?.[DEAD_LETTER_HEADERS.code], 'INTERNAL');
    assert.equal(String(record.headers?.[DEAD_LETTER_HEADERS.error]).length, 2000);
  });
});

describe('createDeadLetterPublisher', () => {
  it('sends all letters in one acknowledged request to the dead-letter topic, and nothing for none', async () => {
    const sent: unknown[] = [];
    const publisher = createDeadLetterPublisher({
      producer: { send: (record) => Promise.resolve(void sent.push(record)).then(() => []) },
      topic: 'dlq',
    });
    await publisher.publish([]);
    await publisher.publish([
      { topic: 't', partition: 0, message, error: new Error('a') },
      { topic: 't', partition: 1, message, error: new Error('b') },
    ]);
    assert.equal(sent.length, 1);
    assert.deepEqual((sent[0] as { topic: string; acks: number; messages: unknown[] }).topic, 'dlq');
    assert.equal((sent[0] as { acks: number }).acks, -1);
    assert.equal((sent[0] as { messages: unknown[] }).messages.length, 2);
  });
});
