package org.zhice.ledger;

/** A request key was used before with a different body; nothing was written (409 over HTTP). */
public class IdempotencyKeyConflictException extends RuntimeException {

    private final String key;

    public IdempotencyKeyConflictException(String key) {
        super("idempotency key " + key + " was used before with a different request body");
        this.key = key;
    }

    public String key() {
        return key;
    }
}
