package org.zhice.ledger;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One caller's batch on its way to the writer. {@code requestKey} and {@code digest} are set for
 * a whole-request idempotency key (the HTTP API); {@code actor} for a write the audit log records.
 */
record Submission(List<TransferRequest> transfers, String requestKey, byte[] digest, String actor,
                  CompletableFuture<Outcome> future) {

    static Submission of(List<TransferRequest> transfers) {
        return new Submission(transfers, null, null, null, new CompletableFuture<>());
    }

    int size() {
        return transfers.size();
    }

    /** What happened to a submission: applied now, a replay of an earlier request, or a key conflict. */
    record Outcome(Status status, List<TransferResult> results) {
        enum Status { APPLIED, REPLAYED, CONFLICT }
    }
}
