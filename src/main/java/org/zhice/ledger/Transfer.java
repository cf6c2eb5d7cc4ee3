package org.zhice.ledger;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A transfer as written in the journal; never changed after it is written. */
public record Transfer(UUID id, long batchSeq, int batchIndex, TransferKind kind, String programId,
                       UUID debitAccountId, UUID creditAccountId, long amountFen, UUID pendingId,
                       String code, String sourceType, String sourceId, String idempotencyKey,
                       LocalDate valueDate, OffsetDateTime bookedAt, boolean linked) {
}
