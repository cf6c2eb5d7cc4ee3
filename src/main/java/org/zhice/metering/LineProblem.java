package org.zhice.metering;

import java.util.List;

/**
 * A line that stores no event: what is wrong ({@code code}), in which field, and the message key
 * with its arguments. {@code usageId} is the stored event a duplicate repeats, else {@code null}.
 */
record LineProblem(int line, String eventId, String code, String field, String messageKey, List<String> args,
                   Long usageId) {

    static final String MALFORMED_LINE = "MALFORMED_LINE";
    static final String MISSING_FIELD = "MISSING_FIELD";
    static final String INVALID_FIELD = "INVALID_FIELD";
    static final String FOREIGN_PROVIDER = "FOREIGN_PROVIDER";
    static final String DUPLICATE_EVENT = "DUPLICATE_EVENT";
    static final String EVENT_ID_REUSED = "EVENT_ID_REUSED_WITH_OTHER_BODY";

    LineProblem {
        args = List.copyOf(args);
    }

    static LineProblem invalid(int line, String eventId, String field, String messageKey, String... args) {
        return new LineProblem(line, eventId, INVALID_FIELD, field, messageKey, List.of(args), null);
    }

    static LineProblem missing(int line, String eventId, String field) {
        return new LineProblem(line, eventId, MISSING_FIELD, field, "metering.problem.missing", List.of(field), null);
    }

    IngestResult.LineResult result() {
        return new IngestResult.LineResult(line, eventId, IngestResult.Outcome.ERROR, code, field, usageId,
                messageKey, args);
    }
}
