import type { AuthChecker } from 'type-graphql';
import { GatewayError } from '../errors.js';
import type { RequestContext } from '../resolvers/request-context.js';

/** type-graphql's @Authorized(roles): every listed role is required; the error says which is missing. */
export const roleAuthChecker: AuthChecker<RequestContext> = ({ context }, roles) => {
  const missing = roles.filter((role) => !context.viewer.roles.has(role));
  if (missing.length === 0) return true;
  throw new GatewayError(context.viewer.subject === null ? 'UNAUTHENTICATED' : 'FORBIDDEN', `this field requires the role ${missing.join(', ')}`);
};
