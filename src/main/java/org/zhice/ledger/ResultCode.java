package org.zhice.ledger;

/**
 * The outcome of one transfer in a batch, after TigerBeetle's {@code create_transfers} results.
 * Only {@link #OK} and {@link #EXISTS} mean the transfer is in the journal; every other code means
 * it had no effect at all. Codes are checked in the order listed in docs/ledger.md.
 */
public enum ResultCode {
    /** Written now. */
    OK,
    /** A transfer with this id (or idempotency key) and the same body was written earlier. */
    EXISTS,
    /** The id is taken by a transfer with a different body. */
    EXISTS_WITH_DIFFERENT_BODY,
    /** The idempotency key is taken by a transfer with a different body. */
    IDEMPOTENCY_KEY_CONFLICT,
    /** Another transfer of its linked chain failed, so this one was not written either. */
    LINKED_EVENT_FAILED,
    /** The batch ended with a transfer flagged {@code linked}: the chain was never closed. */
    LINKED_EVENT_CHAIN_OPEN,
    ID_REQUIRED,
    KIND_REQUIRED,
    AMOUNT_MUST_BE_POSITIVE,
    ACCOUNTS_REQUIRED,
    SAME_ACCOUNT,
    CODE_INVALID,
    SOURCE_INVALID,
    IDEMPOTENCY_KEY_INVALID,
    PENDING_ID_REQUIRED,
    PENDING_ID_NOT_ALLOWED,
    VALUE_DATE_IN_FUTURE,
    ACCOUNT_NOT_FOUND,
    ACCOUNTS_IN_DIFFERENT_PROGRAMS,
    /** The value date falls in a period whose books are closed. */
    PERIOD_CLOSED,
    PENDING_NOT_FOUND,
    /** {@code pending_id} names a transfer that is not a pending one. */
    PENDING_TRANSFER_NOT_PENDING,
    PENDING_ALREADY_POSTED,
    PENDING_ALREADY_VOIDED,
    /** A post or void named accounts other than those of its pending transfer. */
    PENDING_ACCOUNTS_DIFFER,
    /** A post asked for more than its pending transfer reserved. */
    POST_AMOUNT_EXCEEDS_PENDING,
    /** A void named an amount other than its pending transfer's. */
    VOID_AMOUNT_DIFFERS,
    /** The debit account may not have more debits than credits (e.g. a budget pool). */
    EXCEEDS_CREDITS,
    /** The credit account may not have more credits than debits. */
    EXCEEDS_DEBITS,
    /** A balance would pass 2^63 - 1 fen. */
    OVERFLOW;

    /** True when the transfer is in the journal after this call (written now or before). */
    public boolean succeeded() {
        return this == OK || this == EXISTS;
    }
}
