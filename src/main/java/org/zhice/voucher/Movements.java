package org.zhice.voucher;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Records each movement of a program's money with the enterprise, district and category it was
 * for, so that the dashboard can show the pool over time, by district and by category. The
 * ledger holds the money; this says what it was for.
 */
@Component
class Movements {

    enum Kind { RESERVE, RELEASE, GRANT, UNGRANT, PAY, OFFSET, CLAWBACK }

    private final JdbcClient jdbc;

    Movements(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void record(String programId, LocalDate valueDate, Kind kind, String enterpriseUscc, String regionCode,
                String category, long amountFen, String sourceId) {
        if (amountFen <= 0) {
            return;
        }
        jdbc.sql("""
                        insert into voucher_movement (program_id, value_date, kind, enterprise_uscc, region_code, category,
                            amount_fen, source_id)
                        values (:p, :d, :k, :e, :r, :c, :a, :s)""")
                .param("p", programId).param("d", valueDate).param("k", kind.name().toLowerCase())
                .param("e", enterpriseUscc).param("r", regionCode == null ? "" : regionCode).param("c", category)
                .param("a", amountFen).param("s", sourceId)
                .update();
    }

    /** One movement per category of {@code split}. */
    void record(String programId, LocalDate valueDate, Kind kind, String enterpriseUscc, String regionCode,
                Map<String, Long> split, String sourceId) {
        split.forEach((category, amount) ->
                record(programId, valueDate, kind, enterpriseUscc, regionCode, category, amount, sourceId));
    }

    /**
     * Splits {@code amountFen} over categories in the order given, filling each up to its share
     * before the next: a reservation smaller than its request is counted against its first
     * categories first. Exact: the parts add up to {@code min(amount, Σ shares)}.
     */
    static Map<String, Long> fill(long amountFen, Map<String, Long> shares) {
        Map<String, Long> split = new LinkedHashMap<>();
        long left = amountFen;
        for (Map.Entry<String, Long> share : shares.entrySet()) {
            long part = Math.min(left, share.getValue());
            if (part > 0) {
                split.put(share.getKey(), part);
                left -= part;
            }
        }
        return split;
    }

    /** Category shares of a voucher as reserved: what its reservation movements were split into. */
    Map<String, Long> reservedShares(String applicationId) {
        Map<String, Long> shares = new LinkedHashMap<>();
        jdbc.sql("""
                        select category, sum(amount_fen) from voucher_movement
                        where source_id = :id and kind = 'reserve' and category is not null
                        group by category order by min(id)""")
                .param("id", applicationId)
                .query(rs -> {
                    shares.put(rs.getString(1), rs.getLong(2));
                });
        return shares;
    }
}
