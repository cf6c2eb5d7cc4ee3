package org.zhice.pool;

import java.util.Arrays;
import java.util.List;

/**
 * Input the pool refuses, with every problem found: each names the form field it is about and
 * a message key of {@code i18n/pool} with its arguments. Nothing was changed.
 */
class PoolException extends RuntimeException {

    private final List<Problem> problems;

    PoolException(List<Problem> problems) {
        super(problems.toString());
        this.problems = List.copyOf(problems);
    }

    PoolException(String field, String code, Object... args) {
        this(List.of(new Problem(field, code, args)));
    }

    List<Problem> problems() {
        return problems;
    }

    /** @param field the form field, or {@code null} when the problem is not about one field */
    record Problem(String field, String code, Object... args) {
        @Override
        public String toString() {
            return (field == null ? "" : field + ": ") + code + Arrays.toString(args);
        }
    }
}
