package org.zhice.metering;

import java.util.List;

/** A body that cannot be read as usage at all (empty, a JSON array, a CSV without its header, too large): nothing is stored. */
class BodyException extends RuntimeException {

    private final String messageKey;
    private final List<String> args;

    BodyException(String messageKey, Object... args) {
        super(messageKey);
        this.messageKey = messageKey;
        this.args = java.util.Arrays.stream(args).map(String::valueOf).toList();
    }

    String messageKey() {
        return messageKey;
    }

    Object[] args() {
        return args.toArray();
    }

    List<String> argList() {
        return args;
    }
}
