import type { Client } from '@elastic/elasticsearch';
import { errors } from '@elastic/elasticsearch';
import { GatewayError } from '../errors.js';
import { toSearchError } from '../index/elasticsearch-client.js';

/*
 * A reindex's progress, kept in the guard index (one small document per live alias) so a crashed
 * run can be resumed by any process: which index is being built from which, the last primary key
 * copied, and a lease (owner + heartbeat). Every update is a compare-and-set on the document's
 * sequence number, so two processes can never both believe they own the same build: the loser's
 * next checkpoint fails with "lease lost" and it stops before swapping anything.
 */

export interface ReindexState {
  readonly alias: string;
  /** The index the alias pointed at when the build began; dropped after the swap. */
  readonly source: string;
  /** The index being built (reachable through the build alias). */
  readonly target: string;
  readonly fingerprint: string;
  /** Last primary key copied from the database; null before the first page. */
  readonly lastKey: string | null;
  readonly copyDone: boolean;
  readonly copied: number;
  readonly owner: string;
  readonly heartbeatAt: number;
  readonly startedAt: number;
}

export interface StoredReindexState {
  readonly state: ReindexState;
  readonly seqNo: number;
  readonly primaryTerm: number;
}

const stateId = (alias: string) => `@reindex:${alias}`;

export async function readReindexState(client: Client, guardIndex: string, alias: string): Promise<StoredReindexState | null> {
  try {
    const found = await client.get<ReindexState>({ index: guardIndex, id: stateId(alias), realtime: true }, { ignore: [404] });
    if (!found.found || found._source === undefined || found._seq_no === undefined || found._primary_term === undefined) return null;
    return { state: found._source, seqNo: found._seq_no, primaryTerm: found._primary_term };
  } catch (error) {
    throw toSearchError(error, `elasticsearch read of the reindex state of ${alias}`);
  }
}

/** Resolves null when another process created the state first. */
export async function createReindexState(client: Client, guardIndex: string, state: ReindexState): Promise<StoredReindexState | null> {
  try {
    const written = await client.index({ index: guardIndex, id: stateId(state.alias), op_type: 'create', document: state, refresh: false });
    return stamped(state, written);
  } catch (error) {
    if (error instanceof errors.ResponseError && error.statusCode === 409) return null;
    throw toSearchError(error, `elasticsearch write of the reindex state of ${state.alias}`);
  }
}

/** Compare-and-set; throws when another process changed or removed the state meanwhile. */
export async function updateReindexState(
  client: Client,
  guardIndex: string,
  stored: StoredReindexState,
  patch: Partial<ReindexState>,
): Promise<StoredReindexState> {
  const state = { ...stored.state, ...patch };
  try {
    const written = await client.index({
      index: guardIndex,
      id: stateId(state.alias),
      document: state,
      if_seq_no: stored.seqNo,
      if_primary_term: stored.primaryTerm,
    });
    return stamped(state, written);
  } catch (error) {
    if (error instanceof errors.ResponseError && error.statusCode === 409) throw leaseLost(state);
    throw toSearchError(error, `elasticsearch write of the reindex state of ${state.alias}`);
  }
}

export async function deleteReindexState(client: Client, guardIndex: string, stored: StoredReindexState): Promise<void> {
  try {
    await client.delete(
      { index: guardIndex, id: stateId(stored.state.alias), if_seq_no: stored.seqNo, if_primary_term: stored.primaryTerm },
      { ignore: [404] },
    );
  } catch (error) {
    if (error instanceof errors.ResponseError && error.statusCode === 409) throw leaseLost(stored.state);
    throw toSearchError(error, `elasticsearch delete of the reindex state of ${stored.state.alias}`);
  }
}

function stamped(state: ReindexState, written: { _seq_no?: number; _primary_term?: number }): StoredReindexState {
  if (written._seq_no === undefined || written._primary_term === undefined)
    throw new GatewayError('SEARCH_UNAVAILABLE', `elasticsearch wrote the reindex state of ${state.alias} without a sequence number`);
  return { state, seqNo: written._seq_no, primaryTerm: written._primary_term };
}

function leaseLost(state: ReindexState): GatewayError {
  return new GatewayError(
    'SEARCH_UNAVAILABLE',
    `the reindex of ${state.alias} was taken over or aborted by another process; this run stops without swapping`,
    {
      details: { alias: state.alias, target: state.target },
    },
  );
}
