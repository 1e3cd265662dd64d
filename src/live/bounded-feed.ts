/** Why a feed ended on its own: the client is told to resubscribe (and refetch what it shows). */
export interface FeedEnd {
  readonly kind: 'end';
  readonly code: 'SUBSCRIPTION_OVERFLOW' | 'SUBSCRIPTION_INTERRUPTED';
  readonly message: string;
}

export type FeedItem<T> = { readonly kind: 'event'; readonly value: T } | FeedEnd;

export interface BoundedFeed<T> extends AsyncIterable<FeedItem<T>> {
  /** Queues an event; past the capacity the buffer is dropped and the feed ends with an overflow. */
  push(value: T): void;
  /** Ends the feed with this reason after nothing else (queued events are dropped: they are no longer trustworthy). */
  end(reason: FeedEnd): void;
  /** Events queued and not taken yet. */
  readonly buffered: number;
  readonly ended: boolean;
}

/**
 * A subscription's queue between the change hub (which pushes as events arrive) and the transport
 * (which takes one event at a time as the client's socket accepts it). A slow client's events pile up
 * here, so the queue has a bound: memory per subscriber is capped, and the client learns exactly
 * that it missed events instead of silently skipping some. `onClose` runs once, when the consumer
 * stops iterating or the feed ended and was drained.
 */
export interface BoundedFeedOptions {
  readonly capacity: number;
  readonly onClose: () => void;
  /** The client fell behind by more than the capacity (counted, for operators). */
  readonly onOverflow?: () => void;
}

export function createBoundedFeed<T>(options: BoundedFeedOptions): BoundedFeed<T> {
  const { capacity, onClose } = options;
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`a feed's capacity must be a positive integer, got ${capacity}`);
  let queue: T[] = [];
  let head = 0;
  let ending: FeedEnd | null = null;
  let finished = false;
  let endDelivered = false;
  let waiter: ((item: IteratorResult<FeedItem<T>>) => void) | null = null;
  const close = () => {
    if (finished) return;
    finished = true;
    queue = [];
    head = 0;
    onClose();
  };
  const settle = (item: IteratorResult<FeedItem<T>>) => {
    const resolve = waiter;
    waiter = null;
    resolve?.(item);
  };
  const end = (reason: FeedEnd) => {
    if (ending !== null || finished) return;
    ending = reason;
    queue = [];
    head = 0;
    if (waiter !== null) {
      endDelivered = true;
      settle({ done: false, value: reason });
    }
  };
  const next = (): Promise<IteratorResult<FeedItem<T>>> => {
    if (finished) return Promise.resolve({ done: true, value: undefined });
    if (head < queue.length) {
      const value = queue[head] as T;
      head += 1;
      // Compact now and then instead of shifting on every take (O(n) per shift on a long queue).
      if (head > 64 && head * 2 > queue.length) {
        queue = queue.slice(head);
        head = 0;
      }
      return Promise.resolve({ done: false, value: { kind: 'event', value } });
    }
    if (ending !== null) {
      // The end is delivered once; the next call finishes the iteration.
      if (!endDelivered) {
        endDelivered = true;
        return Promise.resolve({ done: false, value: ending });
      }
      close();
      return Promise.resolve({ done: true, value: undefined });
    }
    return new Promise((resolve) => {
      waiter = resolve;
    });
  };
  return {
    push(value) {
      if (ending !== null || finished) return;
      if (queue.length - head >= capacity) {
        options.onOverflow?.();
        end({
          kind: 'end',
          code: 'SUBSCRIPTION_OVERFLOW',
          message: `more than ${capacity} events were waiting for this client; resubscribe and refetch`,
        });
        return;
      }
      if (waiter !== null) settle({ done: false, value: { kind: 'event', value } });
      else queue.push(value);
    },
    end,
    get buffered() {
      return queue.length - head;
    },
    get ended() {
      return ending !== null || finished;
    },
    [Symbol.asyncIterator]() {
      return {
        next,
        return() {
          settle({ done: true, value: undefined });
          close();
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
}
