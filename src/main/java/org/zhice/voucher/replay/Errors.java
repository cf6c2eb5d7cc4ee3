package org.zhice.voucher.replay;

import java.util.ArrayList;
import java.util.List;

/** Collects input errors, keeping at most {@link #LIMIT} of them and counting the rest. */
final class Errors {

    static final int LIMIT = 200;

    private final List<InputError> errors = new ArrayList<>();
    private long more;

    void add(String file, long line, String column, String message) {
        if (errors.size() < LIMIT) {
            errors.add(new InputError(file, line, column, message));
        } else {
            more++;
        }
    }

    /** Counts errors found but not kept. */
    void more(long count) {
        more += count;
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    /** Whether so many errors are known that reading on would only count more. */
    boolean full() {
        return errors.size() >= LIMIT;
    }

    /** The errors kept, one a line (for tests and logs). */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (InputError error : errors) {
            text.append(error).append('\n');
        }
        return text.toString();
    }

    void throwIfAny() throws InputException {
        if (!errors.isEmpty()) {
            throw new InputException(errors, more);
        }
    }
}
