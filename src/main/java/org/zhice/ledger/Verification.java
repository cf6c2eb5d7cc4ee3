package org.zhice.ledger;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The result of recomputing the whole journal: every entry hash, every batch hash and link of
 * the chain, every account's four balances, the limits and Σ debits = Σ credits. {@code problems}
 * are in chain order (then accounts), so the first one is the first broken link.
 *
 * @param headSeq     the last batch of the chain
 * @param headHashHex its SM3 hash: publish it (e.g. with a 公示) and any later rewrite of history shows
 */
public record Verification(boolean ok, long batches, long transfers, long accounts, long headSeq,
                           String headHashHex, OffsetDateTime checkedAt, List<Problem> problems,
                           boolean truncated) {

    /** At most this many problems are listed. */
    public static final int MAX_PROBLEMS = 50;

    public Optional<Problem> firstBroken() {
        return problems.stream().findFirst();
    }

    public enum ProblemKind {
        /** A batch is missing from the chain, or the chain head names another batch. */
        CHAIN_GAP,
        /** A batch's prev_hash is not the previous batch's hash. */
        PREVIOUS_HASH_MISMATCH,
        /** A transfer's fields do not hash to its entry hash: the row was altered. */
        ENTRY_HASH_MISMATCH,
        /** A batch's entries do not hash to the batch hash: rows added, removed or re-hashed. */
        BATCH_HASH_MISMATCH,
        /** A batch holds another number of transfers than it recorded. */
        TRANSFER_COUNT_MISMATCH,
        /** The chain head table does not name the last batch. */
        HEAD_MISMATCH,
        /** A post or void resolves no pending transfer, or one already resolved. */
        RESOLUTION_INVALID,
        /** An account's stored balance differs from the one recomputed from the journal. */
        BALANCE_MISMATCH,
        /** An account is past its limit. */
        LIMIT_EXCEEDED,
        /** Σ debits ≠ Σ credits over all accounts (pending or posted). */
        DEBITS_CREDITS_UNEQUAL,
        /** The account statement index (ledger_account_batch) misses or adds a position of the journal. */
        STATEMENT_INDEX_MISMATCH
    }

    /** One finding; {@code batchSeq}, {@code transferId}, {@code accountId} name where, when known. */
    public record Problem(ProblemKind kind, Long batchSeq, UUID transferId, UUID accountId, String detail) {
    }
}
