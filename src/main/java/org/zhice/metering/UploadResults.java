package org.zhice.metering;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.zhice.metering.IngestResult.LineResult;
import org.zhice.metering.IngestResult.Outcome;

/**
 * The line-by-line result of a stored upload, rebuilt from its events (one key range of
 * {@code usage_event}, read whole and put in line order) and its line problems: the answer to a retried request, and the provider's
 * result page. Outcomes are those given on arrival; an event superseded or rejected on a dispute
 * since then was accepted when it came.
 */
final class UploadResults {

    private static final char SEPARATOR = '\u001f';

    private UploadResults() {
    }

    static IngestResult of(JdbcClient jdbc, long uploadId, boolean replayed) {
        return of(jdbc, uploadId, replayed, 1, UsageIngestion.MAX_LINES + 1);
    }

    /** The results of lines {@code [fromLine, toLine)}, with the upload's totals. */
    static IngestResult of(JdbcClient jdbc, long uploadId, boolean replayed, int fromLine, int toLine) {
        int[] totals = jdbc.sql("select lines, accepted, rejected, problems from metering_upload where id = :id")
                .param("id", uploadId)
                .query((rs, n) -> new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4)})
                .single();
        List<LineResult> results = new ArrayList<>();
        jdbc.sql("""
                select usage_id, event_id, status, reason, adjusts_event_id, line_no, units, quantity_micros, start_ns,
                       end_ns
                from usage_event
                where usage_id > :first and usage_id < :next and line_no >= :from and line_no < :to
                """)
                .param("first", UsageIngestion.firstUsageId(uploadId))
                .param("next", UsageIngestion.firstUsageId(uploadId + 1))
                .param("from", fromLine).param("to", toLine)
                .query(rs -> {
                    long usageId = rs.getLong(1);
                    int line = rs.getInt(6);
                    String status = rs.getString(3);
                    String reason = rs.getString(4);
                    if ("withdrawal".equals(status)) {
                        results.add(new LineResult(line, rs.getString(2), Outcome.WITHDRAWAL, null, null, usageId,
                                "metering.outcome.withdrawal", List.of(rs.getString(5))));
                    } else if ("rejected".equals(status) && !Reasons.DISPUTE_UPHELD.equals(reason)) {
                        int units = rs.getInt(7);
                        if (rs.wasNull()) {
                            units = org.zhice.rules.UsageChecks.NO_UNITS;
                        }
                        Reasons.Detail detail = Reasons.detail(reason, rs.getString(5), units, rs.getLong(8),
                                rs.getLong(9), rs.getLong(10));
                        results.add(new LineResult(line, rs.getString(2), Outcome.REJECTED, reason, null, usageId,
                                detail.messageKey(), detail.args()));
                    } else {
                        results.add(new LineResult(line, rs.getString(2), Outcome.ACCEPTED, null, null, usageId,
                                "metering.outcome.accepted", List.of()));
                    }
                });
        jdbc.sql("""
                select line_no, event_id, code, field, message_key, args, usage_id from metering_upload_problem
                where upload_id = :id and line_no >= :from and line_no < :to order by line_no
                """)
                .param("id", uploadId).param("from", fromLine).param("to", toLine)
                .query(rs -> {
                    long usage = rs.getLong(7);
                    Long usageId = rs.wasNull() ? null : usage;
                    results.add(new LineResult(rs.getInt(1), rs.getString(2), Outcome.ERROR, rs.getString(3),
                            rs.getString(4), usageId, rs.getString(5), splitArgs(rs.getString(6))));
                });
        results.sort(Comparator.comparingInt(LineResult::line));
        return new IngestResult(uploadId, replayed, totals[0], totals[1], totals[2], totals[3], results);
    }

    static String joinArgs(List<String> args) {
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) {
                joined.append(SEPARATOR);
            }
            String arg = args.get(i) == null ? "" : args.get(i);
            joined.append(arg.replace(SEPARATOR, '?'));
        }
        return joined.toString();
    }

    static List<String> splitArgs(String joined) {
        if (joined == null || joined.isEmpty()) {
            return List.of();
        }
        return Arrays.asList(joined.split(String.valueOf(SEPARATOR), -1));
    }
}
