/** Names the generator derives from SQL identifiers: deterministic, so a re-run renders the same file. */

/** `order_items` → `orderItems`. */
export function camelCaseOf(identifier: string): string {
  return identifier.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

export function pascalCaseOf(identifier: string): string {
  const camel = camelCaseOf(identifier);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/** English plural → singular for the common table-name endings; anything else is kept as is. */
export function singularOf(word: string): string {
  if (/ies$/.test(word) && word.length > 3) return `${word.slice(0, -3)}y`;
  if (/lves$/.test(word)) return `${word.slice(0, -3)}f`;
  // houses, warehouses, causes: the e belongs to the word (statuses and buses drop it).
  if (/[ao]uses$/.test(word)) return word.slice(0, -1);
  if (/(ss|us|x|ch|sh|zz)es$/.test(word)) return word.slice(0, -2);
  if (/ses$/.test(word)) return word.slice(0, -1);
  if (/[^s]s$/.test(word)) return word.slice(0, -1);
  return word;
}

export function pluralOf(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/lf$/.test(word)) return `${word.slice(0, -1)}ves`;
  if (/(s|x|ch|sh|z)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

/** The names one table gets: GraphQL type, file, exports and query fields. */
export interface TableNames {
  /** `book_loans` → `BookLoan`. */
  readonly typeName: string;
  /** `bookLoan`: the single-row query field and the prefix of exports. */
  readonly field: string;
  /** `bookLoans`: the by-ids query field (`bookLoanList` when singular and plural coincide). */
  readonly pluralField: string;
  /** `book-loan.type.ts`. */
  readonly fileName: string;
}

export function tableNamesOf(table: string): TableNames {
  const parts = table.split('_');
  const last = parts[parts.length - 1] ?? table;
  const singular = [...parts.slice(0, -1), singularOf(last)].join('_');
  const typeName = pascalCaseOf(singular);
  const field = camelCaseOf(singular);
  const plural = camelCaseOf([...parts.slice(0, -1), pluralOf(singularOf(last))].join('_'));
  return {
    typeName,
    field,
    pluralField: plural === field ? `${field}List` : plural,
    fileName: `${singular.replace(/_/g, '-')}.type.ts`,
  };
}
