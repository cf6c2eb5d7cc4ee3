package org.zhice.voucher;

import java.util.Arrays;
import java.util.List;

/**
 * Input or an action the voucher module refuses, with every problem found: each names the field
 * it is about and a message key of {@code i18n/voucher} with its arguments. Nothing was changed.
 */
class VoucherException extends RuntimeException {

    /** What kind of refusal it is, for the HTTP status of the API. */
    enum Kind {
        /** The input is wrong (422). */
        INVALID,
        /** There is no such record, or the user may not see it (404). */
        NOT_FOUND,
        /** The record is not in a state that allows this (409). */
        CONFLICT,
        /** The user's role or organisation may not do this (403). */
        FORBIDDEN
    }

    private final Kind kind;
    private final List<Problem> problems;

    VoucherException(Kind kind, List<Problem> problems) {
        super(problems.toString());
        this.kind = kind;
        this.problems = List.copyOf(problems);
    }

    VoucherException(List<Problem> problems) {
        this(Kind.INVALID, problems);
    }

    static VoucherException invalid(String field, String code, Object... args) {
        return new VoucherException(Kind.INVALID, List.of(new Problem(field, code, args)));
    }

    static VoucherException notFound(String code, Object... args) {
        return new VoucherException(Kind.NOT_FOUND, List.of(new Problem(null, code, args)));
    }

    static VoucherException conflict(String code, Object... args) {
        return new VoucherException(Kind.CONFLICT, List.of(new Problem(null, code, args)));
    }

    static VoucherException forbidden(String code, Object... args) {
        return new VoucherException(Kind.FORBIDDEN, List.of(new Problem(null, code, args)));
    }

    Kind kind() {
        return kind;
    }

    List<Problem> problems() {
        return problems;
    }

    /** @param field the form field, or {@code null} when the problem is not about one field */
    record Problem(String field, String code, Object... args) {
        /** Values quoted back are cut short: a 5 MB id sent in is not sent back (nor logged) whole. */
        static final int QUOTED_CHARS = 80;

        Problem {
            args = Arrays.stream(args).map(Problem::clipped).toArray();
        }

        private static Object clipped(Object arg) {
            if (arg instanceof CharSequence text && text.length() > QUOTED_CHARS) {
                int end = Character.isHighSurrogate(text.charAt(QUOTED_CHARS - 1)) ? QUOTED_CHARS - 1 : QUOTED_CHARS;
                return text.subSequence(0, end) + "…";
            }
            return arg;
        }

        @Override
        public String toString() {
            return (field == null ? "" : field + ": ") + code + Arrays.toString(args);
        }
    }
}
