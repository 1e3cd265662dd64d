import 'reflect-metadata';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { col, notNull } from '../rows/column-types.js';
import type { EmbeddedRelation } from './entity.js';
import { defaultCachePolicy, defineEntity } from './entity.js';
import { DateTimeScalar, DecimalScalar, JSONScalar } from './scalars.js';
import { cents, suggestionInputs } from './search-fields.js';

/** A category's name and parent reach its products' documents; its other changes rewrite none. */
const productEmbeds: readonly EmbeddedRelation[] = [{ table: 'categories', foreignKey: 'category_id', columns: ['name', 'parent_id'] }];

export const productEntity = defineEntity({
  name: 'Product',
  table: 'products',
  primaryKey: 'id',
  columns: {
    id: notNull(col.bigint({ unsigned: true })),
    sku: notNull(col.string()),
    name: notNull(col.string()),
    description: col.string(),
    category_id: notNull(col.int()),
    brand: notNull(col.string()),
    price: notNull(col.decimal(2)),
    stock: notNull(col.int()),
    status: notNull(col.enum()),
    is_featured: notNull(col.bool()),
    tags: notNull(col.json()),
    attributes: col.json(),
    created_at: notNull(col.datetime(3)),
    updated_at: notNull(col.timestamp(3)),
  },
  cache: defaultCachePolicy,
  search: {
    index: 'products',
    embeds: productEmbeds,
    properties: {
      id: { type: 'long' },
      sku: { type: 'keyword' },
      // Free-text search runs one fuzzy match over search_text (copy_to of the texts below), so a
      // query whose words fall in different fields ("Keychron 猫粮": brand + name) still matches.
      name: {
        type: 'text',
        analyzer: 'multilingual',
        copy_to: 'search_text',
        fields: { keyword: { type: 'keyword', ignore_above: 256 } },
      },
      description: { type: 'text', analyzer: 'multilingual', copy_to: 'search_text' },
      brand: {
        type: 'text',
        analyzer: 'multilingual',
        copy_to: 'search_text',
        fields: { keyword: { type: 'keyword', ignore_above: 256 } },
      },
      category_id: { type: 'long' },
      category_name: {
        type: 'text',
        analyzer: 'multilingual',
        copy_to: 'search_text',
        fields: { keyword: { type: 'keyword', ignore_above: 256 } },
      },
      category_path: { type: 'long' },
      search_text: { type: 'text', analyzer: 'multilingual' },
      // Suggestions: the core `completion` type (an FST prefix lookup, fuzzy-capable). The
      // edge-ngram filter and search_as_you_type would match inside words too, but need the
      // analysis-common and mapper-extras modules, which stripped builds do not ship. The status
      // context lets suggestions skip drafts and archived products (completion takes no filters).
      name_suggest: {
        type: 'completion',
        analyzer: 'multilingual',
        max_input_length: 60,
        contexts: [{ name: 'status', type: 'category', path: 'status' }],
      },
      // Range filters and sorting; exact money for sums lives in price_cents.
      price: { type: 'double' },
      price_cents: { type: 'long' },
      stock: { type: 'integer' },
      in_stock: { type: 'boolean' },
      status: { type: 'keyword' },
      is_featured: { type: 'boolean' },
      tags: { type: 'keyword', copy_to: 'search_text' },
      created_at: { type: 'date' },
      updated_at: { type: 'date' },
    },
    toDocument(row, related) {
      const category = related.categories ?? null;
      return {
        id: row.id,
        sku: row.sku,
        name: row.name,
        description: row.description,
        brand: row.brand,
        category_id: row.category_id,
        category_name: category?.name ?? null,
        category_path: [category?.parent_id ?? null, row.category_id].filter((id) => id !== null),
        price: row.price,
        price_cents: cents(row.price),
        stock: row.stock,
        in_stock: typeof row.stock === 'number' && row.stock > 0,
        status: row.status,
        is_featured: row.is_featured,
        tags: Array.isArray(row.tags) ? row.tags : [],
        name_suggest: { input: suggestionInputs(row.name ?? null, row.brand ?? null) },
        created_at: row.created_at,
        updated_at: row.updated_at,
      };
    },
  },
});

@ObjectType('Product', { description: 'A product of the shop catalogue.', simpleResolvers: true })
export class Product {
  @Field(() => ID) id!: string;
  @Field(() => String) sku!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => ID) categoryId!: string;
  @Field(() => String) brand!: string;
  @Field(() => DecimalScalar) price!: string;
  @Field(() => Int) stock!: number;
  @Field(() => String, { description: 'active, draft or archived' }) status!: string;
  @Field(() => Boolean) isFeatured!: boolean;
  @Field(() => JSONScalar) tags!: unknown;
  @Field(() => JSONScalar, { nullable: true }) attributes!: unknown;
  @Field(() => DateTimeScalar) createdAt!: string;
  @Field(() => DateTimeScalar) updatedAt!: string;
}

export const productIdColumns = ['id', 'category_id'] as const;
