import { GatewayError } from '../../errors.js';
import type { ChangeHub } from '../../live/change-hub.js';
import type { RequestContext } from '../request-context.js';

/**
 * A subscription's context: a request context that lives as long as the subscription, plus the
 * instance's change hub. Loaders cache what they loaded, so each event gets fresh ones
 * (`renewLoaders`): a relation resolved for the tenth event must not answer from the first's cache.
 */
export interface LiveContext extends RequestContext {
  readonly changes: ChangeHub;
  renewLoaders(): void;
}

export function liveContextOf(context: RequestContext): LiveContext {
  const live = context as Partial<LiveContext>;
  if (live.changes === undefined || live.renewLoaders === undefined) {
    throw new GatewayError('BAD_USER_INPUT', 'subscriptions are served over graphql-ws (WebSocket) or Server-Sent Events on /graphql');
  }
  return live as LiveContext;
}
