package org.zhice.ledger;

import java.time.LocalDate;
import java.util.UUID;

/**
 * One transfer asked of {@link Ledger#post}. Build it with the factories ({@link #single},
 * {@link #pending}, {@link #post}, {@link #postInFull}, {@link #voidPending}) and the
 * {@code with…} methods.
 *
 * <p>For {@link TransferKind#POST} and {@link TransferKind#VOID}, a {@code null} debit account,
 * credit account, code or source means "the pending transfer's"; when given they must match its
 * accounts. {@link #AMOUNT_OF_PENDING} as the amount means the pending transfer's full amount.
 *
 * @param id             the transfer's id, chosen by the caller; the same id is written at most once
 * @param valueDate      the accounting date; {@code null} means the day it is booked (Asia/Shanghai).
 *                       An earlier date is a back-dated entry, refused in a closed period
 * @param idempotencyKey optional second key, unique across the journal (e.g. "reserve:app-42")
 * @param linked         this transfer and the next one of the batch commit or fail together
 */
public record TransferRequest(UUID id, TransferKind kind, UUID debitAccountId, UUID creditAccountId,
                              long amountFen, UUID pendingId, String code, String sourceType, String sourceId,
                              String idempotencyKey, LocalDate valueDate, boolean linked) {

    /** For a post or a void: the pending transfer's whole amount (TigerBeetle's AMOUNT_MAX). */
    public static final long AMOUNT_OF_PENDING = Long.MAX_VALUE;

    public static TransferRequest single(UUID id, UUID debitAccountId, UUID creditAccountId, long amountFen,
                                         String code, String sourceType, String sourceId) {
        return new TransferRequest(id, TransferKind.SINGLE, debitAccountId, creditAccountId, amountFen, null,
                code, sourceType, sourceId, null, null, false);
    }

    public static TransferRequest pending(UUID id, UUID debitAccountId, UUID creditAccountId, long amountFen,
                                          String code, String sourceType, String sourceId) {
        return new TransferRequest(id, TransferKind.PENDING, debitAccountId, creditAccountId, amountFen, null,
                code, sourceType, sourceId, null, null, false);
    }

    /** Posts {@code amountFen} of a pending transfer and releases the rest of it. */
    public static TransferRequest post(UUID id, UUID pendingId, long amountFen) {
        return new TransferRequest(id, TransferKind.POST, null, null, amountFen, pendingId,
                null, null, null, null, null, false);
    }

    public static TransferRequest postInFull(UUID id, UUID pendingId) {
        return post(id, pendingId, AMOUNT_OF_PENDING);
    }

    public static TransferRequest voidPending(UUID id, UUID pendingId) {
        return new TransferRequest(id, TransferKind.VOID, null, null, AMOUNT_OF_PENDING, pendingId,
                null, null, null, null, null, false);
    }

    public TransferRequest withIdempotencyKey(String key) {
        return new TransferRequest(id, kind, debitAccountId, creditAccountId, amountFen, pendingId, code,
                sourceType, sourceId, key, valueDate, linked);
    }

    public TransferRequest withValueDate(LocalDate date) {
        return new TransferRequest(id, kind, debitAccountId, creditAccountId, amountFen, pendingId, code,
                sourceType, sourceId, idempotencyKey, date, linked);
    }

    public TransferRequest withCode(String newCode) {
        return new TransferRequest(id, kind, debitAccountId, creditAccountId, amountFen, pendingId, newCode,
                sourceType, sourceId, idempotencyKey, valueDate, linked);
    }

    public TransferRequest withSource(String type, String sourceIdentifier) {
        return new TransferRequest(id, kind, debitAccountId, creditAccountId, amountFen, pendingId, code,
                type, sourceIdentifier, idempotencyKey, valueDate, linked);
    }

    public TransferRequest withAccounts(UUID debit, UUID credit) {
        return new TransferRequest(id, kind, debit, credit, amountFen, pendingId, code,
                sourceType, sourceId, idempotencyKey, valueDate, linked);
    }

    /** Links this transfer to the next one in the batch: they commit or fail together. */
    public TransferRequest linkedToNext() {
        return withLinked(true);
    }

    public TransferRequest withLinked(boolean link) {
        return new TransferRequest(id, kind, debitAccountId, creditAccountId, amountFen, pendingId, code,
                sourceType, sourceId, idempotencyKey, valueDate, link);
    }
}
