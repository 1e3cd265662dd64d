/**
 * One catalogue of coded errors. Every error the gateway raises on purpose is a GatewayError with a
 * machine-readable code; the GraphQL boundary maps codes to `extensions.code` and masks the rest.
 * `retriable` tells the consumer loop whether waiting and trying again can help.
 */
export const ErrorCodes = {
  CONFIG_INVALID: { status: 500, retriable: false },
  BAD_USER_INPUT: { status: 400, retriable: false },
  QUERY_TOO_COMPLEX: { status: 400, retriable: false },
  QUERY_TOO_DEEP: { status: 400, retriable: false },
  TOO_MANY_ALIASES: { status: 400, retriable: false },
  BATCH_TOO_LARGE: { status: 400, retriable: false },
  PAYLOAD_TOO_LARGE: { status: 413, retriable: false },
  RATE_LIMITED: { status: 429, retriable: true },
  UNAUTHENTICATED: { status: 401, retriable: false },
  FORBIDDEN: { status: 403, retriable: false },
  DATABASE_UNAVAILABLE: { status: 503, retriable: true },
  CACHE_UNAVAILABLE: { status: 503, retriable: true },
  SEARCH_UNAVAILABLE: { status: 503, retriable: true },
  /** A value that does not fit its declared column type (read path or CDC). */
  ROW_INVALID: { status: 500, retriable: false },
  /** A subscriber fell behind its buffer bound, or missed events: resubscribe and refetch. */
  SUBSCRIPTION_OVERFLOW: { status: 503, retriable: true },
  SUBSCRIPTION_INTERRUPTED: { status: 503, retriable: true },
  TOO_MANY_SUBSCRIPTIONS: { status: 429, retriable: true },
  CDC_DECODE_FAILED: { status: 500, retriable: false },
  CDC_UNKNOWN_FORMAT: { status: 500, retriable: false },
  SCHEMA_REGISTRY_UNAVAILABLE: { status: 503, retriable: true },
  STACK_FAILED: { status: 500, retriable: false },
  INTERNAL: { status: 500, retriable: false },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.retriable = ErrorCodes[code].retriable;
    this.details = options.details ?? {};
  }
}

export const isGatewayError = (error: unknown): error is GatewayError => error instanceof GatewayError;

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * On the CDC path a row that does not fit its declaration is a message that cannot be decoded: it is
 * dead-lettered under CDC_DECODE_FAILED, whichever layer found the bad value.
 */
export function asDecodeFailure(error: unknown): unknown {
  if (!(error instanceof GatewayError) || error.code !== 'ROW_INVALID') return error;
  return new GatewayError('CDC_DECODE_FAILED', error.message, { cause: error, details: { ...error.details } });
}
