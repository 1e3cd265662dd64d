import type { PlannedDocument } from './execution-plans.js';

/** A query text already judged: its parsed document (and plans) when it validated, 'invalid' when it did not. */
export type CachedDocument = PlannedDocument | 'invalid';

export interface DocumentCacheLimits {
  readonly maxDocuments: number;
  /** Total length of the cached query texts: a few huge queries must not pin the memory of thousands. */
  readonly maxCharacters: number;
}

/**
 * A least-recently-used map from query text to its verdict. A Map iterates in insertion order, so
 * re-inserting on every hit keeps the least recently used entry first, where eviction starts.
 */
export interface DocumentCache {
  get(text: string): CachedDocument | undefined;
  set(text: string, document: CachedDocument): void;
  readonly size: number;
}

export function createDocumentCache(limits: DocumentCacheLimits): DocumentCache {
  const entries = new Map<string, CachedDocument>();
  let characters = 0;
  return {
    get(text) {
      const found = entries.get(text);
      if (found !== undefined) {
        entries.delete(text);
        entries.set(text, found);
      }
      return found;
    },
    set(text, document) {
      if (text.length > limits.maxCharacters || entries.has(text)) return;
      entries.set(text, document);
      characters += text.length;
      for (const oldest of entries.keys()) {
        if (entries.size <= limits.maxDocuments && characters <= limits.maxCharacters) break;
        entries.delete(oldest);
        characters -= oldest.length;
      }
    },
    get size() {
      return entries.size;
    },
  };
}
