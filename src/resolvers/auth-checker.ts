import type { AuthChecker } from 'type-graphql';
import { GatewayError } from '../errors.js';
import type { RequestContext } from './request-context.js';
import { Roles } from '../auth/viewer.js';

/**
 * Whose personal data a `personal` field shows: the User object itself (its email), or the user a
 * query names in its `userId` argument (earnings). Null when the field names no user.
 */
function personalDataOwner(root: unknown, args: Record<string, unknown>, parentType: string): string | null {
  if (typeof args['userId'] === 'string') return args['userId'];
  if (parentType === 'User' && typeof root === 'object' && root !== null) {
    const id = (root as { id?: unknown }).id;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
  }
  return null;
}

/**
 * type-graphql's @Authorized(roles): every listed role is required; the error says which is missing.
 * Personal data also has an owner: a user's token (a JWT: `userId` set) reads only its own user's,
 * unless it also has the support role; an API key is a service credential and reads any user's.
 */
export const roleAuthChecker: AuthChecker<RequestContext> = ({ context, root, args, info }, roles) => {
  const { viewer } = context;
  const missing = roles.filter((role) => !viewer.roles.has(role));
  if (missing.length > 0) {
    throw new GatewayError(viewer.subject === null ? 'UNAUTHENTICATED' : 'FORBIDDEN', `this field requires the role ${missing.join(', ')}`);
  }
  if (roles.includes(Roles.personal) && viewer.userId !== null && !viewer.roles.has(Roles.support)) {
    const owner = personalDataOwner(root, args, info.parentType.name);
    if (owner === null || owner !== viewer.userId)
      throw new GatewayError('FORBIDDEN', "a user's token reads only that user's personal data");
  }
  return true;
};
