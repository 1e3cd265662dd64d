import type { Random } from '../../../src/demo/seeded-random.js';

/** One hostile HTTP request to /graphql, described so a failure can be printed and replayed. */
export interface HostileRequest {
  readonly category: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  /** Appended to /graphql (GET requests carry their query here). */
  readonly search: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer | null;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

const post = (category: string, payload: unknown, headers: Record<string, string> = {}): HostileRequest => ({
  category,
  method: 'POST',
  search: '',
  headers: { ...JSON_HEADERS, ...headers },
  body: JSON.stringify(payload),
});

const VALID_QUERIES = [
  '{ product(id: "1") { id name price category { name parent { name } } } }',
  'query P($id: ID!) { product(id: $id) { id sku tags attributes createdAt } }',
  '{ products(ids: ["1", "2", "3"]) { id name brand } }',
  '{ searchProducts(query: "phone", first: 5) { totalCount nodes { id name } } }',
  '{ suggestProducts(prefix: "ph") { id name } }',
  '{ category(id: "1") { name children { name } products(first: 3) { nodes { id } } } }',
  '{ user(id: "3") { name orders(first: 2) { nodes { total items { quantity product { name } } } } } }',
  '{ salesOverTime(currency: "CNY", interval: DAY, range: { from: "2025-01-01T00:00:00Z", to: "2025-01-08T00:00:00Z" }) { orders } }',
  '{ earnings(userId: "3", first: 5) { nodes { id } } }',
];

/** Strings that break naive SQL, Lucene, Redis protocol/glob, JSON, shell, paths and format strings. */
const INJECTIONS = [
  '1 OR 1=1',
  "1' OR '1'='1",
  '1; DROP TABLE products; --',
  '1 UNION SELECT password FROM mysql.user',
  '0x31',
  '1e3',
  '-1',
  '00001',
  '99999999999999999999999999999',
  '18446744073709551616',
  '9223372036854775808',
  '-9223372036854775809',
  '1.5',
  ' 1',
  '1 ',
  '',
  ' ',
  '\t',
  '*',
  '?',
  '[a-z]*',
  'gw:*',
  '\\',
  '\r\n*3\r\n$3\r\nDEL\r\n',
  'products:1',
  '../../etc/passwd',
  '%s%s%s%n',
  '${jndi:ldap://x}',
  '{"match_all":{}}',
  'name:* OR brand:*',
  '/.*/',
  '+-&&||!(){}[]^"~*?:\\/',
  'a AND NOT b',
  '"unterminated',
  'AND',
  'OR OR OR',
  '~~~~',
  '\u0000',
  'a\u0000b',
  '<script>alert(1)</script>',
  "'; SELECT SLEEP(10); --",
  'SLEEP(10)',
  '__proto__',
  'constructor',
  'prototype',
  'null',
  'undefined',
  'NaN',
  'Infinity',
];

/** Unicode that trips encoders: astral, combining, RTL, zero-width, lone surrogates (in JSON escapes), BOM, noncharacters. */
const UNICODE = [
  '手机 📱',
  '𝕳𝖊𝖑𝖑𝖔',
  'é'.normalize('NFD').repeat(50),
  'Z̸̢̧̛͖̻̜̗̲̩̙͎͓̱̭̦͑̓͋̄̒͊̕͝a̵̡',
  'مرحبا بالعالم',
  '\u202etxt.exe',
  '\u200b\u200c\u200d\ufeff',
  '\ud83d',
  '\udc00x',
  '\uffff\ufffe',
  '👨‍👩‍👧‍👦'.repeat(200),
  '\u0301',
  'ı̇İ',
  'ß'.repeat(300),
  '\u2028\u2029',
  '𠜎𠜱𠝹𠱓',
  'Ⅻ',
  '١٢٣',
  '１２３',
  '\u00a0',
];

function randomText(random: Random, length: number): string {
  let text = '';
  for (let index = 0; index < length; index += 1) {
    const kind = random.int(0, 9);
    if (kind < 5) text += String.fromCharCode(random.int(32, 126));
    else if (kind < 7) text += random.pick(UNICODE);
    else if (kind < 8) text += String.fromCharCode(random.int(0, 31));
    else text += String.fromCodePoint(random.int(0x80, 0x10ffff));
  }
  return text;
}

function mutate(random: Random, text: string): string {
  const chars = [...text];
  const edits = random.int(1, 6);
  for (let edit = 0; edit < edits; edit += 1) {
    const at = random.int(0, chars.length);
    const op = random.int(0, 3);
    if (op === 0) chars.splice(at, 1);
    else if (op === 1)
      chars.splice(at, 0, random.pick(['{', '}', '(', ')', '[', ']', '"', '$', '@', '...', ':', '!', '#', '\\', '\u0000', '|', '=', ',']));
    else if (op === 2) chars.splice(at, 0, randomText(random, random.int(1, 5)));
    else chars.splice(at, chars.length - at);
  }
  return chars.join('');
}

function malformedJson(random: Random): HostileRequest {
  const query = random.pick(VALID_QUERIES);
  const bodies: (() => string | Buffer)[] = [
    () => JSON.stringify({ query }).slice(0, random.int(0, JSON.stringify({ query }).length - 1)),
    () => mutate(random, JSON.stringify({ query })),
    () =>
      random.pick([
        'null',
        '[]',
        '[1,2]',
        '"query"',
        '123',
        'true',
        '{}',
        '[[]]',
        '[null]',
        '{"query":{}}',
        '{"query":5}',
        '{"query":null}',
        '{"query":["{ product(id: 1) { id } }"]}',
      ]),
    () => JSON.stringify({ query, variables: random.pick(['x', 5, [1], true, [{ id: 1 }]]) }),
    () => JSON.stringify({ query, operationName: random.pick([5, {}, [], 'Nope', '']) }),
    () =>
      JSON.stringify({
        query,
        extensions: random.pick([{ persistedQuery: { version: 1, sha256Hash: 'abc' } }, { persistedQuery: 'x' }, 'x', 5]),
      }),
    () => `\ufeff${JSON.stringify({ query })}`,
    () =>
      Buffer.concat([
        Buffer.from('{"query":"{ product(id: \\"'),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0]),
        Buffer.from('\\") { id } }"}'),
      ]),
    () => Buffer.from(Array.from({ length: random.int(1, 300) }, () => random.int(0, 255))),
    () => `{"query": "${query.replace(/"/g, '\\"')}", "query": 7}`,
    () => '{"__proto__": {"query": "{ product(id: \\"1\\") { id } }"}, "constructor": {"prototype": {"polluted": true}}}',
  ];
  return { category: 'malformed-json', method: 'POST', search: '', headers: JSON_HEADERS, body: random.pick(bodies)() };
}

function malformedDocument(random: Random): HostileRequest {
  const documents: (() => string)[] = [
    () => mutate(random, random.pick(VALID_QUERIES)),
    () => random.pick(VALID_QUERIES).slice(0, random.int(0, 40)),
    () => randomText(random, random.int(1, 200)),
    () => '{ product(id: "1") { nope } }',
    () => '{ product(id: "1", extra: 5) { id } }',
    () => '{ product { id } }',
    () => 'fragment A on Product { ...B } fragment B on Product { ...A } { product(id: "1") { ...A } }',
    () => '{ product(id: "1") { ...Missing } }',
    () => '{ a: product(id: "1") { id } } { b: product(id: "2") { id } }',
    () => 'mutation { deleteEverything }',
    () => 'subscription { product(id: "1") { id } }',
    () => '{ product(id: "1") @skip(if: "yes") { id } }',
    () => '{ product(id: "1") @unknown { id } }',
    () => 'query Q($id: ID!) { product(id: $id) { id } }',
    () => 'query Q($id: NoSuchType) { product(id: $id) { id } }',
    () => '{ product(id: "1") { id(x: 1) name { sub } } }',
    () => '{ __schema { types { name fields { name type { ofType { ofType { ofType { name } } } } } } } }',
    () => '{ __typename product(id: "1") { __typename } }',
    () => '{ searchProducts(sort: NOT_A_SORT) { totalCount } }',
    () => '{ salesOverTime(currency: "CNY", interval: DAY, range: { from: "yesterday", to: "2025-01-01T00:00:00Z" }) { orders } }',
    () => '{ products(ids: "1") { id } }',
    () => '{ product(id: 1.5e400) { id } }',
    () => '# only a comment',
    () => '',
    () => '\u0000\u0001\u0002',
    () => `"""${'x'.repeat(random.int(1, 5000))}`,
  ];
  return post('malformed-document', { query: random.pick(documents)() });
}

function deepQuery(random: Random): HostileRequest {
  const depth = random.pick([5, 13, 50, 200, 1000, 5000, 20_000]);
  const shapes: (() => string)[] = [
    () => `{ product(id: "1") { category { ${'parent { '.repeat(depth)}name${' }'.repeat(depth)} } } }`,
    () => `{ user(id: "3") { ${'referrer { '.repeat(depth)}id${' }'.repeat(depth)} } }`,
    () => `{ category(id: "1") { ${'children { '.repeat(depth)}id${' }'.repeat(depth)} } }`,
    () => `${'{'.repeat(depth)}${'}'.repeat(depth)}`,
    () => `{ product(id: "1") { ${'... on Product { '.repeat(depth)}id${' }'.repeat(depth)} } }`,
    () => `query Q($v: ID = ${'['.repeat(depth)}1${']'.repeat(depth)}) { product(id: "1") { id } }`,
    () => `{ products(ids: ${'['.repeat(depth)}"1"${']'.repeat(depth)}) { id } }`,
  ];
  return post('deep', { query: random.pick(shapes)() });
}

function wideQuery(random: Random): HostileRequest {
  const width = random.pick([100, 1000, 10_000, 60_000]);
  const shapes: (() => unknown)[] = [
    () => ({ query: `{ product(id: "1") { ${'id '.repeat(width)} } }` }),
    () => ({
      query: `{ products(ids: [${Array.from({ length: Math.min(width, 20_000) }, (_, index) => `"${index + 1}"`).join(',')}]) { id } }`,
    }),
    () => ({ query: `{ product(id: "1") { ${Array.from({ length: width }, (_, index) => `f${index}`).join(' ')} } }` }),
    () => ({ query: `fragment F on Product { id name } { product(id: "1") { ${'...F '.repeat(width)} } }` }),
    () => ({
      query: `{ category(id: "1") { products(first: ${random.pick([100, 1000, 2147483647, 2147483648, -1, 0])}) { nodes { id category { products(first: 100) { nodes { id } } } } } } }`,
    }),
    () => ({ query: `{ searchProducts(first: ${random.pick([1000, 100000, -5, 0])}) { nodes { id } } }` }),
  ];
  return post('wide', random.pick(shapes)());
}

function aliasBomb(random: Random): HostileRequest {
  const count = random.pick([31, 200, 2000, 20_000]);
  const shapes: (() => string)[] = [
    () => `{ ${Array.from({ length: count }, (_, index) => `a${index}: product(id: "${index}") { id }`).join(' ')} }`,
    () => `{ product(id: "1") { ${Array.from({ length: count }, (_, index) => `n${index}: name`).join(' ')} } }`,
    () =>
      `{ ${Array.from({ length: Math.min(count, 500) }, (_, index) => `s${index}: searchProducts(query: "a") { totalCount }`).join(' ')} }`,
    // The "billion laughs" of GraphQL: every fragment spreads the previous one twice.
    () => {
      const levels = random.int(10, 40);
      const fragments = Array.from({ length: levels }, (_, level) =>
        level === 0 ? 'fragment F0 on Product { a: id b: name }' : `fragment F${level} on Product { ...F${level - 1} ...F${level - 1} }`,
      );
      return `${fragments.join(' ')} { product(id: "1") { ...F${levels - 1} } }`;
    },
    () => {
      const levels = random.int(5, 30);
      const fragments = Array.from({ length: levels }, (_, level) =>
        level === 0
          ? 'fragment C0 on Category { id }'
          : `fragment C${level} on Category { children { ...C${level - 1} } parent { ...C${level - 1} } }`,
      );
      return `${fragments.join(' ')} { category(id: "1") { ...C${levels - 1} } }`;
    },
  ];
  return post('alias-bomb', { query: random.pick(shapes)() });
}

function hugeVariables(random: Random): HostileRequest {
  const query =
    'query Q($id: ID!, $ids: [ID!]!, $text: String, $first: Int!) { product(id: $id) { id } products(ids: $ids) { id } searchProducts(query: $text, first: $first) { totalCount } }';
  const big = random.pick([1_000, 50_000, 200_000]);
  const variableSets: (() => unknown)[] = [
    () => ({ id: '1', ids: Array.from({ length: big }, (_, index) => String(index)), text: 'a', first: 5 }),
    () => ({ id: 'x'.repeat(random.pick([1_000, 100_000, 900_000])), ids: [], text: null, first: 1 }),
    () => ({ id: '1', ids: ['1'], text: randomText(random, random.pick([1_000, 30_000])), first: 5 }),
    () => ({ id: '1', ids: ['1'], text: 'a', first: random.pick([2 ** 31, -(2 ** 31) - 1, 1e300, 1.5, '5', null, NaN]) }),
    () => {
      let nested: unknown = 1;
      for (let level = 0; level < random.pick([100, 5_000]); level += 1) nested = { nested };
      return { id: nested, ids: [nested], text: nested, first: nested };
    },
    () => ({ id: { $gt: '' }, ids: { length: 1e9 }, text: ['a'], first: { valueOf: 5 } }),
    () => Object.fromEntries(Array.from({ length: random.pick([1_000, 20_000]) }, (_, index) => [`v${index}`, index])),
    () => ({ __proto__: { id: '1' }, constructor: { prototype: { admin: true } }, id: '1', ids: ['1'], first: 1 }),
  ];
  return post('huge-variables', { query, variables: random.pick(variableSets)() });
}

function unicodeInput(random: Random): HostileRequest {
  const text = random.chance(0.5) ? random.pick(UNICODE) : randomText(random, random.int(1, 300));
  const shapes: (() => unknown)[] = [
    () => ({
      query: 'query S($q: String) { searchProducts(query: $q, first: 5) { totalCount nodes { id name } } }',
      variables: { q: text },
    }),
    () => ({ query: 'query S($p: String!) { suggestProducts(prefix: $p) { id name } }', variables: { p: text } }),
    () => ({ query: 'query P($id: ID!) { product(id: $id) { id } user(id: $id) { id } }', variables: { id: text } }),
    () => ({ query: `{ searchProducts(query: ${JSON.stringify(text)}) { totalCount } }` }),
    () => ({
      query: 'query S($b: [String!]) { searchProducts(filter: { brands: $b, tags: $b }) { totalCount } }',
      variables: { b: [text, text.toUpperCase()] },
    }),
  ];
  const request = post('unicode', random.pick(shapes)());
  // JSON.stringify escapes lone surrogates; send some raw so the server decodes invalid UTF-16 itself.
  if (random.chance(0.2) && typeof request.body === 'string')
    return { ...request, body: request.body.replace(/\\ud8[0-9a-f]{2}/gi, '\ud800') };
  return request;
}

function injection(random: Random): HostileRequest {
  const value = random.pick(INJECTIONS);
  const shapes: (() => unknown)[] = [
    () => ({ query: 'query P($id: ID!) { product(id: $id) { id name } }', variables: { id: value } }),
    () => ({ query: 'query P($ids: [ID!]!) { products(ids: $ids) { id } }', variables: { ids: [value, '1', value] } }),
    () => ({
      query:
        'query U($id: ID!) { user(id: $id) { id orders(first: 2) { nodes { id } } } order(id: $id) { id } commission(id: $id) { id } }',
      variables: { id: value },
    }),
    () => ({ query: 'query S($q: String) { searchProducts(query: $q) { totalCount nodes { id } } }', variables: { q: value } }),
    () => ({ query: 'query S($p: String!) { suggestProducts(prefix: $p) { id } }', variables: { p: value } }),
    () => ({ query: 'query S($a: String) { searchProducts(after: $a) { totalCount } }', variables: { a: value } }),
    () => ({
      query: 'query S($a: String) { category(id: "1") { products(after: $a) { nodes { id } } } }',
      variables: { a: random.pick([value, Buffer.from(value).toString('base64'), 'eyJpZCI6IjEgT1IgMT0xIn0=', 'W10=', 'bnVsbA==']) },
    }),
    () => ({
      query: 'query E($u: ID!, $t: [String!]) { earnings(userId: $u, filter: { types: $t, statuses: $t }) { nodes { id } } }',
      variables: { u: random.pick(['3', value]), t: [value] },
    }),
    () => ({
      query:
        'query T($tz: String!, $c: String!, $p: ID) { salesOverTime(currency: $c, timeZone: $tz, interval: HOUR, categoryId: $p, range: { from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z" }) { orders } }',
      variables: { tz: random.pick([value, 'UTC', 'Mars/Olympus']), c: value, p: random.pick([null, value]) },
    }),
    () => ({
      query:
        'query F($b: [String!], $min: Decimal, $max: Decimal, $c: [ID!]) { searchProducts(filter: { brands: $b, minPrice: $min, maxPrice: $max, categoryIds: $c }) { totalCount } }',
      variables: {
        b: [value],
        min: random.pick([value, '1e400', '-0', 'NaN']),
        max: random.pick([value, '99999999999999999999']),
        c: [value],
      },
    }),
    () => ({ query: `{ product(id: ${JSON.stringify(value)}) { id } }` }),
  ];
  return post('injection', random.pick(shapes)());
}

function protocolAbuse(random: Random): HostileRequest {
  const query = random.pick(VALID_QUERIES);
  const shapes: (() => HostileRequest)[] = [
    () => ({
      category: 'protocol',
      method: 'GET',
      search: `?query=${encodeURIComponent(random.chance(0.5) ? query : mutate(random, query))}`,
      headers: {},
      body: null,
    }),
    () => ({
      category: 'protocol',
      method: 'GET',
      search: `?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(random.pick(['{', '[]', 'null', '{"id":1}']))}`,
      headers: { 'apollo-require-preflight': 'true' },
      body: null,
    }),
    () => ({
      category: 'protocol',
      method: 'GET',
      search: `?${random.pick(['', 'query=', '%zz', 'query=%E0%A4%A', 'query[]=1&query[]=2', `query=${'a'.repeat(50_000)}`])}`,
      headers: { 'apollo-require-preflight': 'true' },
      body: null,
    }),
    () => ({
      category: 'protocol',
      method: 'POST',
      search: '',
      headers: {
        'content-type': random.pick([
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/jsonp',
          'application/json; charset=latin1',
          '',
        ]),
      },
      body: JSON.stringify({ query }),
    }),
    () => ({
      category: 'protocol',
      method: random.pick(['PUT', 'DELETE'] as const),
      search: '',
      headers: JSON_HEADERS,
      body: JSON.stringify({ query }),
    }),
    () => ({
      category: 'protocol',
      method: 'POST',
      search: '',
      headers: JSON_HEADERS,
      body: JSON.stringify(Array.from({ length: random.pick([0, 2, 11, 500]) }, () => ({ query }))),
    }),
    () => ({
      category: 'protocol',
      method: 'POST',
      search: '',
      headers: JSON_HEADERS,
      body: JSON.stringify([{ query }, null, 5, 'x', [], { query: 7 }]),
    }),
    () => ({
      category: 'protocol',
      method: 'POST',
      search: '',
      headers: JSON_HEADERS,
      body: JSON.stringify({ query: `{ product(id: "1") { id } }${' '.repeat(1024 * 1024)}` }),
    }),
    () => ({
      category: 'protocol',
      method: 'POST',
      search: '',
      headers: {
        ...JSON_HEADERS,
        accept: random.pick([
          'text/html',
          'multipart/mixed; deferSpec=20220824',
          'application/graphql-response+json',
          '*/*;q=0',
          'garbage',
        ]),
      },
      body: JSON.stringify({ query }),
    }),
    () => ({
      category: 'protocol',
      method: 'POST',
      search: '',
      headers: { ...JSON_HEADERS, 'x-api-key': random.pick(['short', 'x'.repeat(5000), '\u00ff\u00fe', 'fuzz-key-0123456789abcdef ']) },
      body: JSON.stringify({ query }),
    }),
    () => ({
      category: 'protocol',
      method: 'POST',
      search: '',
      headers: {
        ...JSON_HEADERS,
        authorization: random.pick([
          'Bearer',
          'Bearer x.y.z',
          'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.',
          'Basic Zm9vOmJhcg==',
          `Bearer ${'a'.repeat(10_000)}`,
        ]),
      },
      body: JSON.stringify({ query }),
    }),
  ];
  return random.pick(shapes)();
}

export const FUZZ_CATEGORIES = {
  'malformed-json': malformedJson,
  'malformed-document': malformedDocument,
  deep: deepQuery,
  wide: wideQuery,
  'alias-bomb': aliasBomb,
  'huge-variables': hugeVariables,
  unicode: unicodeInput,
  injection,
  protocol: protocolAbuse,
} as const satisfies Record<string, (random: Random) => HostileRequest>;

/** `perCategory` requests of every category, interleaved, deterministic for a seed. */
export function hostileRequests(random: Random, perCategory: number): HostileRequest[] {
  const requests: HostileRequest[] = [];
  for (let round = 0; round < perCategory; round += 1) {
    for (const generate of Object.values(FUZZ_CATEGORIES)) requests.push(generate(random));
  }
  return requests;
}
