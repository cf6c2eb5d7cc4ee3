package org.zhice.ledger;

/**
 * What a transfer does to balances. A {@link #PENDING} transfer reserves its amount (it counts
 * against limits at once); exactly one {@link #POST} (in full or in part; a partial post releases
 * the rest) or {@link #VOID} later resolves it. Transfers are never changed after the fact.
 */
public enum TransferKind {
    /** Posted at once: debits_posted and credits_posted grow by the amount. */
    SINGLE,
    /** Reserves: debits_pending and credits_pending grow by the amount. */
    PENDING,
    /** Resolves a pending transfer: posts its amount (or part of it) and releases the rest. */
    POST,
    /** Resolves a pending transfer: releases all of it. */
    VOID
}
