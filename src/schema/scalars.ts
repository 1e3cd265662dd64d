import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const DECIMAL = /^-?\d{1,30}(\.\d{1,30})?$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

function literalString(kind: Kind, value: unknown, name: string): string {
  if (kind !== Kind.STRING || typeof value !== 'string') throw new GraphQLError(`${name} must be given as a string`);
  return value;
}

/** Exact decimal as a string ("19.90"): money never passes through a binary float. */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'An exact decimal number as a string, e.g. "19.90".',
  serialize: (value) => {
    if (typeof value === 'string' && DECIMAL.test(value)) return value;
    throw new GraphQLError(`Decimal cannot represent ${JSON.stringify(value)}`);
  },
  parseValue: (value) => {
    if (typeof value === 'string' && DECIMAL.test(value)) return value;
    throw new GraphQLError(`Decimal expects a string such as "19.90", got ${JSON.stringify(value)}`);
  },
  parseLiteral: (ast) => {
    const value = literalString(ast.kind, 'value' in ast ? ast.value : undefined, 'Decimal');
    if (!DECIMAL.test(value)) throw new GraphQLError(`Decimal expects a string such as "19.90", got ${JSON.stringify(value)}`);
    return value;
  },
});

/** UTC instant as ISO-8601 with milliseconds ("2025-03-01T10:15:30.123Z"). */
export const DateTimeScalar = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  description: 'A UTC instant, ISO-8601 with milliseconds, e.g. "2025-03-01T10:15:30.123Z".',
  serialize: (value) => {
    if (typeof value === 'string' && ISO_DATETIME.test(value)) return value;
    throw new GraphQLError(`DateTime cannot represent ${JSON.stringify(value)}`);
  },
  parseValue: (value) => {
    if (typeof value === 'string' && ISO_DATETIME.test(value) && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
    throw new GraphQLError(`DateTime expects an ISO-8601 string, got ${JSON.stringify(value)}`);
  },
  parseLiteral: (ast) => {
    const value = literalString(ast.kind, 'value' in ast ? ast.value : undefined, 'DateTime');
    if (!ISO_DATETIME.test(value) || Number.isNaN(Date.parse(value)))
      throw new GraphQLError(`DateTime expects an ISO-8601 string, got ${JSON.stringify(value)}`);
    return new Date(value).toISOString();
  },
});

export { GraphQLJSON as JSONScalar } from 'graphql-scalars';
