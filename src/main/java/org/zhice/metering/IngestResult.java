package org.zhice.metering;

import java.util.List;

/**
 * What an upload did, line by line. {@code accepted} counts the events stored that took effect
 * (accepted events and withdrawals), {@code rejected} the events stored with a reason, and
 * {@code problems} the lines that stored nothing (malformed, another provider's, a duplicate, an
 * event id reused with another body). {@code replayed} is true when the same upload (same
 * idempotency key and body) was answered before: nothing was done again.
 */
public record IngestResult(long uploadId, boolean replayed, int lines, int accepted, int rejected, int problems,
                           List<LineResult> results) {

    public IngestResult {
        results = List.copyOf(results);
    }

    public enum Outcome {
        /** Stored and counts. */
        ACCEPTED,
        /** Stored with the reason in {@code code}; never counts. */
        REJECTED,
        /** Stored; withdraws the event it adjusts. */
        WITHDRAWAL,
        /** Nothing stored for this line: {@code code} and {@code field} say why. */
        ERROR
    }

    /**
     * One line of the upload (numbered from 1; for CSV, record 1 is the line after the header,
     * numbered 2). {@code code} is the rejection reason or the problem; {@code usageId} the stored
     * event (for a duplicate: the event it repeats). {@code messageKey} and {@code args} give the
     * text in the user's language.
     */
    public record LineResult(int line, String eventId, Outcome outcome, String code, String field, Long usageId,
                             String messageKey, List<String> args) {
        public LineResult {
            args = List.copyOf(args);
        }
    }
}
