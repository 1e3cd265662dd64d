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
} as const;

/** Long enough for any decoder message; bounded so one odd error cannot bloat the record. */
const MAX_ERROR_TEXT = 2000;

/**
 * Publishes dead letters with acks from all in-sync replicas: the consumer commits past a poison
 * message only after this resolves, so a message is never both skipped and lost.
 */
export function createDeadLetterPublisher(options: { producer: Pick<Producer, 'send'>; topic: string; timeoutMs?: number }): DeadLetterPublisher {
  const { producer, topic } = options;
  return {
    async publish(letters) {
      if (letters.length === 0) return;
      await producer.send({ topic, acks: -1, timeout: options.timeoutMs ?? 30_000, messages: letters.map(deadLetterRecord) });
    },
  };
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
