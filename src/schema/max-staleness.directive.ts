import { DirectiveLocation, GraphQLDirective, GraphQLInt, GraphQLNonNull, Kind } from 'graphql';
import type { OperationDefinitionNode } from 'graphql';

/**
 * `query Q @maxStaleness(ms: 500) { … }`: the client accepts answers at most this stale. Entity reads
 * then come from MySQL whenever the consumer cannot guarantee Redis is within the bound; search answers
 * (only Elasticsearch has them) carry a STALE_BEYOND_BOUND warning in `extensions` instead of silently
 * answering from an index that may be older. The request header `x-max-staleness-ms` does the same.
 */
export const maxStalenessDirective = new GraphQLDirective({
  name: 'maxStaleness',
  description: 'The most staleness (milliseconds) this query accepts; see extensions.freshness.',
  locations: [DirectiveLocation.QUERY],
  args: { ms: { type: new GraphQLNonNull(GraphQLInt) } },
});

export const MAX_STALENESS_HEADER = 'x-max-staleness-ms';

/** The bound an operation states, from its directive (already validated, so `ms` is an Int literal or a variable). */
export function maxStalenessOf(
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | undefined,
): number | null {
  const directive = operation.directives?.find((candidate) => candidate.name.value === 'maxStaleness');
  const argument = directive?.arguments?.find((candidate) => candidate.name.value === 'ms')?.value;
  if (argument === undefined) return null;
  if (argument.kind === Kind.INT) return Number(argument.value);
  if (argument.kind === Kind.VARIABLE) {
    const value = variables?.[argument.name.value];
    return typeof value === 'number' && Number.isInteger(value) ? value : null;
  }
  return null;
}

/** The header's bound: a non-negative integer of milliseconds, else null (ignored rather than guessed). */
export function maxStalenessHeader(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,9}$/.test(value.trim())) return null;
  return Number(value.trim());
}
