package org.zhice.metering;

/** A request that metering refuses, with the message key (and arguments) that says why. Nothing changed. */
class MeteringException extends RuntimeException {

    private final String messageKey;
    private final Object[] args;

    MeteringException(String messageKey, Object... args) {
        super(messageKey);
        this.messageKey = messageKey;
        this.args = args;
    }

    String messageKey() {
        return messageKey;
    }

    Object[] args() {
        return args;
    }
}
