import type { IHeaders, KafkaMessage, Message, Producer } from 'kafkajs';
import { errorMessage, isGatewayError } from '../errors.js';

/** A consumed message the gateway could not turn into changes, and why. */
export interface DeadLetter {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
  readonly error: unknown;
}

export interface DeadLetterPublisher {
  /** Resolves once every letter is acknowledged by all in-sync replicas; rejects (retriably) otherwise. */
  publish(letters: readonly DeadLetter[]): Promise<void>;
}

export const DEAD_LETTER_HEADERS = {
  error: 'x-dead-letter-error',
  code: 'x-dead-letter-code',
  topic: 'x-original-topic',
  partition: 'x-original-partition',
  offset: 'x-original-offset',
  /** Set when the original value was cut to fit: its full length in bytes (the source topic still has it). */
  truncated: 'x-dead-letter-truncated-from',
} as const;

/** Long enough for any decoder message; bounded so one odd error cannot bloat the record. */
const MAX_ERROR_TEXT = 2000;

/**
 * Publishes dead letters with acks from all in-sync replicas: the consumer commits past a poison
 * message only after this resolves, so a message is never both skipped and lost.
 */
export function createDeadLetterPublisher(options: {
  producer: Pick<Producer, 'send'>;
  topic: string;
  timeoutMs?: number;
  maxRecordBytes?: number;
}): DeadLetterPublisher {
  const { producer, topic } = options;
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  return {
    async publish(letters) {
      const records = letters.map((letter) => fitWithin(deadLetterRecord(letter), maxRecordBytes));
      for (const messages of chunksWithin(records, maxRecordBytes)) {
        await producer.send({ topic, acks: -1, timeout: options.timeoutMs ?? 30_000, messages });
      }
    },
  };
}

/**
 * Below Kafka's default max.message.bytes (1 MiB), which the broker applies to a whole record batch:
 * a poison message near the source topic's limit plus the error headers would not fit a dead-letter
 * topic with the same limit, and a publish that can never succeed would hold its partition forever.
 */
const DEFAULT_MAX_RECORD_BYTES = 1_000_000;

const bytesOf = (value: Message['key'] | undefined): number => (value === null || value === undefined ? 0 : Buffer.byteLength(value));

function recordBytes(record: Message): number {
  const headers = Object.entries(record.headers ?? {}).reduce(
    (sum, [name, value]) =>
      sum + Buffer.byteLength(name) + (value === undefined ? 0 : [value].flat().reduce((inner, item) => inner + bytesOf(item), 0)),
    0,
  );
  return bytesOf(record.key) + bytesOf(record.value) + headers;
}

/** A record too large for the dead-letter topic keeps its headers and the start of its value. */
function fitWithin(record: Message, maxBytes: number): Message {
  const size = recordBytes(record);
  if (size <= maxBytes || record.value === null || record.value === undefined) return record;
  const value = Buffer.isBuffer(record.value) ? record.value : Buffer.from(record.value);
  const keep = Math.max(0, value.length - (size - maxBytes) - 256);
  return {
    ...record,
    value: value.subarray(0, keep),
    headers: { ...record.headers, [DEAD_LETTER_HEADERS.truncated]: String(value.length) },
  };
}

/** Consecutive records in produce requests of at most `maxBytes` each (one record batch per request). */
function chunksWithin(records: readonly Message[], maxBytes: number): Message[][] {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let size = 0;
  for (const record of records) {
    const bytes = recordBytes(record) + 128;
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(record);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * The original key, value and headers byte for byte (so the message can be replayed as it was),
 * plus where it came from and why it was rejected.
 */
export function deadLetterRecord(letter: DeadLetter): Message {
  const { message } = letter;
  const reason = errorMessage(letter.error);
  const headers: IHeaders = {
    ...message.headers,
    [DEAD_LETTER_HEADERS.error]: reason.length > MAX_ERROR_TEXT ? `${reason.slice(0, MAX_ERROR_TEXT - 3)}...` : reason,
    [DEAD_LETTER_HEADERS.code]: isGatewayError(letter.error) ? letter.error.code : 'INTERNAL',
    [DEAD_LETTER_HEADERS.topic]: letter.topic,
    [DEAD_LETTER_HEADERS.partition]: String(letter.partition),
    [DEAD_LETTER_HEADERS.offset]: message.offset,
  };
  return { key: message.key, value: message.value, headers };
}
