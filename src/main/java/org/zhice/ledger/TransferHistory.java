package org.zhice.ledger;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * One transfer and its story: the pending transfer it resolves or the post/void that resolved
 * it, the accounts it moved, the batch (hash-chain link) it was committed in, and the other
 * transfers of the same business record (reservations, grants, releases, reversals).
 */
public record TransferHistory(Transfer transfer, Optional<Transfer> pending, Optional<Transfer> resolution,
                              Account debitAccount, Account creditAccount, long batchSeq, String batchHashHex,
                              OffsetDateTime committedAt, List<Transfer> sameSource) {

    /** For a pending transfer: what of it is still reserved (0 once posted or voided). */
    public long outstandingFen() {
        if (transfer.kind() != TransferKind.PENDING) {
            return 0;
        }
        return resolution.isPresent() ? 0 : transfer.amountFen();
    }

    /** For a post: what the partial post released back. */
    public long releasedFen() {
        if (transfer.kind() == TransferKind.VOID) {
            return transfer.amountFen();
        }
        if (transfer.kind() == TransferKind.POST) {
            return pending.map(p -> p.amountFen() - transfer.amountFen()).orElse(0L);
        }
        return 0;
    }
}
