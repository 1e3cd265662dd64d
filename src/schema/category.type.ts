import 'reflect-metadata';
import { Field, ID, ObjectType } from 'type-graphql';
import { col, notNull } from '../rows/column-types.js';
import { defaultCachePolicy, defineEntity } from './entity.js';
import { DateTimeScalar } from './scalars.js';

export const categoryEntity = defineEntity({
  name: 'Category',
  table: 'categories',
  primaryKey: 'id',
  columns: {
    id: notNull(col.int()),
    parent_id: col.int(),
    name: notNull(col.string()),
    slug: notNull(col.string()),
    created_at: notNull(col.datetime(3)),
    updated_at: notNull(col.datetime(3)),
  },
  cache: defaultCachePolicy,
  // Searchable so that "this category and everything below it" is answered from Elasticsearch
  // (a walk down parent_id, see src/search/category-tree.ts) rather than from MySQL per search.
  search: {
    index: 'categories',
    embeds: [],
    properties: {
      id: { type: 'long' },
      parent_id: { type: 'long' },
      name: { type: 'text', analyzer: 'multilingual', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
      slug: { type: 'keyword' },
    },
    toDocument: (row) => ({ id: row.id, parent_id: row.parent_id, name: row.name, slug: row.slug }),
  },
});

@ObjectType('Category', { simpleResolvers: true })
export class Category {
  @Field(() => ID) id!: string;
  @Field(() => ID, { nullable: true }) parentId!: string | null;
  @Field(() => String) name!: string;
  @Field(() => String) slug!: string;
  @Field(() => DateTimeScalar) createdAt!: string;
  @Field(() => DateTimeScalar) updatedAt!: string;
}

export const categoryIdColumns = ['id', 'parent_id'] as const;
