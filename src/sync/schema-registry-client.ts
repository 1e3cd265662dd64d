import { GatewayError, errorMessage } from '../errors.js';
import type { CompiledAvroSchema } from './decoders/avro-values.js';
import { compileAvroSchema } from './decoders/avro-values.js';

/** A writer schema ready to decode with, or why messages written with that id cannot be decoded. */
export type SchemaLookup = { readonly schema: CompiledAvroSchema } | { readonly problem: string };

/** What the Avro decoder needs: a schema by id, from what was fetched before decoding began. */
export interface AvroSchemaLookup {
  schemaById(id: number): SchemaLookup;
}

export interface SchemaRegistryClient extends AvroSchemaLookup {
  /**
   * Fetches the schemas of `ids` not fetched yet. Resolves once every id is either compiled or
   * known to be missing (404: its messages are dead-lettered); rejects with a retriable
   * SCHEMA_REGISTRY_UNAVAILABLE when the registry cannot answer, so the caller holds the partition.
   */
  prefetch(ids: Iterable<number>): Promise<void>;
}

export interface SchemaRegistryClientOptions {
  /** The Confluent-compatible API base, e.g. http://127.0.0.1:8081 or Apicurio's …/apis/ccompat/v6. */
  readonly url: string;
  readonly requestTimeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/**
 * A Confluent Schema Registry client for decoding: GET /schemas/ids/{id}, compiled once and kept
 * for the life of the process (a schema id names immutable content). An id the registry does not
 * know is asked again by the next prefetch that needs it, so a registry restored from a backup is
 * not ignored forever.
 */
export function createSchemaRegistryClient(options: SchemaRegistryClientOptions): SchemaRegistryClient {
  const base = options.url.replace(/\/+$/, '');
  const timeoutMs = options.requestTimeoutMs ?? 5_000;
  const fetchImpl = options.fetch ?? fetch;
  const schemas = new Map<number, CompiledAvroSchema>();
  /** Ids the registry does not know, or whose schema is not usable Avro: their messages are dead-lettered. */
  const problems = new Map<number, string>();
  const inFlight = new Map<number, Promise<void>>();

  async function fetchSchema(id: number): Promise<void> {
    let response: Response;
    try {
      response = await fetchImpl(`${base}/schemas/ids/${id}`, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: 'application/json' },
      });
    } catch (error) {
      throw unavailable(id, errorMessage(error));
    }
    if (response.status === 404) {
      await response.body?.cancel();
      problems.set(id, `schema id ${id} does not exist in the schema registry (404)`);
      return;
    }
    if (!response.ok) throw unavailable(id, `HTTP ${response.status}`);
    let body: { schema?: unknown; schemaType?: unknown };
    try {
      body = (await response.json()) as typeof body;
    } catch (error) {
      throw unavailable(id, `the answer is not JSON (${errorMessage(error)})`);
    }
    if (body.schemaType !== undefined && body.schemaType !== 'AVRO') {
      problems.set(id, `schema id ${id} is a ${JSON.stringify(body.schemaType)} schema, not Avro`);
      return;
    }
    if (typeof body.schema !== 'string') throw unavailable(id, 'the answer has no "schema" text');
    try {
      schemas.set(id, compileAvroSchema(JSON.parse(body.schema) as unknown));
    } catch (error) {
      problems.set(id, `schema id ${id} is not a usable Avro schema: ${errorMessage(error)}`);
    }
  }

  return {
    schemaById(id) {
      const schema = schemas.get(id);
      if (schema !== undefined) return { schema };
      return { problem: problems.get(id) ?? `schema id ${id} was not fetched from the schema registry before decoding` };
    },
    async prefetch(ids) {
      const wanted = [...new Set(ids)].filter((id) => !schemas.has(id));
      for (const id of wanted) problems.delete(id);
      await Promise.all(
        wanted.map((id) => {
          let request = inFlight.get(id);
          if (request === undefined) {
            request = fetchSchema(id).finally(() => inFlight.delete(id));
            inFlight.set(id, request);
          }
          return request;
        }),
      );
    },
  };
}

function unavailable(id: number, reason: string): GatewayError {
  return new GatewayError('SCHEMA_REGISTRY_UNAVAILABLE', `cannot fetch Avro schema id ${id} from the schema registry: ${reason}`, {
    details: { schemaId: id },
  });
}
