import 'reflect-metadata';
import { Extensions, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Product } from './product.type.js';
import { DecimalScalar } from './scalars.js';
import { PageInfo } from './connection.types.js';

/** GraphQL types of product search and suggestions (src/resolvers/product-search.resolver.ts). */

export enum ProductSearchSort {
  RELEVANCE = 'RELEVANCE',
  PRICE_ASC = 'PRICE_ASC',
  PRICE_DESC = 'PRICE_DESC',
  NEWEST = 'NEWEST',
}

registerEnumType(ProductSearchSort, {
  name: 'ProductSearchSort',
  description: 'Result order. Ties are broken by product id, so pages never skip or repeat a product.',
});

@InputType('ProductSearchFilter', { description: 'Every given condition must hold; list conditions match any of their values.' })
export class ProductSearchFilter {
  @Field(() => [ID], { nullable: true, description: 'Products in any of these categories or their sub-categories.' }) categoryIds?:
    string[] | null;
  @Field(() => [String], { nullable: true, description: 'Exact brand names, as in the brands facet.' }) brands?: string[] | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'Inclusive lower price bound.' }) minPrice?: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'Inclusive upper price bound.' }) maxPrice?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'true: only products in stock; false: only those out of stock.' }) inStock?:
    boolean | null;
  @Field(() => [String], { nullable: true, description: 'Products carrying any of these tags.' }) tags?: string[] | null;
}

@ObjectType('SearchHighlight', {
  simpleResolvers: true,
  description: 'Fragments of a field with the matched words in <em>; the rest is HTML-escaped.',
})
export class SearchHighlight {
  @Field(() => String) field!: string;
  @Extensions({ maxItems: 2 })
  @Field(() => [String])
  snippets!: string[];
}

@ObjectType('ProductSearchEdge', { simpleResolvers: true })
export class ProductSearchEdge {
  @Field(() => String) cursor!: string;
  @Field(() => Product) node!: Product;
  // At most one per highlighted field (name, brand, description).
  @Extensions({ maxItems: 3 })
  @Field(() => [SearchHighlight], { description: 'Highlights from the search index (they can trail the node by the sync delay).' })
  highlights!: SearchHighlight[];
}

@ObjectType('FacetCount', { simpleResolvers: true })
export class FacetCount {
  @Field(() => String) value!: string;
  @Field(() => Int) count!: number;
}

@ObjectType('CategoryFacet', { description: 'Matching products directly in one category.' })
export class CategoryFacet {
  @Field(() => ID) categoryId!: string;
  @Field(() => Int) count!: number;
}

@ObjectType('PriceRangeFacet', { simpleResolvers: true, description: 'Matching products priced in [from, to).' })
export class PriceRangeFacet {
  @Field(() => DecimalScalar, { nullable: true }) from!: string | null;
  @Field(() => DecimalScalar, { nullable: true }) to!: string | null;
  @Field(() => Int) count!: number;
}

@ObjectType('ProductFacets', { simpleResolvers: true, description: 'Counts per value, each applying every filter except its own.' })
export class ProductFacets {
  // The largest list each can be (the facets' aggregation sizes in product-search-query.ts): what the cost limit counts.
  @Extensions({ maxItems: 20 })
  @Field(() => [FacetCount])
  brands!: FacetCount[];
  @Extensions({ maxItems: 50 })
  @Field(() => [CategoryFacet])
  categories!: CategoryFacet[];
  @Extensions({ maxItems: 10 })
  @Field(() => [PriceRangeFacet])
  priceRanges!: PriceRangeFacet[];
}

@ObjectType('ProductSearchConnection', { simpleResolvers: true })
export class ProductSearchConnection {
  @Field(() => Int, { description: 'Matching products in the search index (a product deleted a moment ago may still count).' })
  totalCount!: number;
  @Field(() => [ProductSearchEdge]) edges!: ProductSearchEdge[];
  @Field(() => [Product]) nodes!: Product[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => ProductFacets) facets!: ProductFacets;
}

@ObjectType('ProductSuggestion', { simpleResolvers: true })
export class ProductSuggestion {
  @Field(() => String, { description: 'The completion that matched (the name, a tail of it, or the brand).' }) text!: string;
  @Field(() => Product) product!: Product;
}
