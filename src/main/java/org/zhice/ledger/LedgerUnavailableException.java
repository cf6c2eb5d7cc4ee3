package org.zhice.ledger;

/**
 * The ledger could not say whether a batch was written (the database failed, or the writer is
 * stopping). Retrying with the same transfer ids is safe: a transfer takes effect at most once.
 */
public class LedgerUnavailableException extends RuntimeException {

    public LedgerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
