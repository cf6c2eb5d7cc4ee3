package org.zhice.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Reads of accounts and the journal; writes go through {@link BatchApplier} only. */
final class LedgerQueries {

    static final int MAX_LIST = 1000;
    private static final String ACCOUNT_COLUMNS = """
            id, program_id, code, owner, currency, debits_must_not_exceed_credits, credits_must_not_exceed_debits,
            debits_pending, debits_posted, credits_pending, credits_posted, created_at""";

    private final JdbcClient jdbc;

    LedgerQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Maps the first 16 columns in {@link BatchApplier#TRANSFER_COLUMNS} order. */
    static Transfer transfer(ResultSet rs) throws SQLException {
        return new Transfer(rs.getObject(1, UUID.class), rs.getLong(2), rs.getInt(3),
                TransferKind.valueOf(rs.getString(4)), rs.getString(5), rs.getObject(6, UUID.class),
                rs.getObject(7, UUID.class), rs.getLong(8), rs.getObject(9, UUID.class), rs.getString(10),
                rs.getString(11), rs.getString(12), rs.getString(13), rs.getObject(14, LocalDate.class),
                rs.getObject(15, OffsetDateTime.class), rs.getBoolean(16));
    }

    static Account account(ResultSet rs) throws SQLException {
        return new Account(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getBoolean(6), rs.getBoolean(7), rs.getLong(8), rs.getLong(9), rs.getLong(10),
                rs.getLong(11), rs.getObject(12, OffsetDateTime.class));
    }

    Optional<Account> account(UUID id) {
        return jdbc.sql("select " + ACCOUNT_COLUMNS + " from ledger_account where id = :id")
                .param("id", id)
                .query((rs, n) -> account(rs))
                .optional();
    }

    List<Account> accounts(String programId) {
        return jdbc.sql("select " + ACCOUNT_COLUMNS
                        + " from ledger_account where program_id = :p order by code, owner limit :limit")
                .param("p", programId)
                .param("limit", MAX_LIST)
                .query((rs, n) -> account(rs))
                .list();
    }

    List<String> programs() {
        return jdbc.sql("select distinct program_id from ledger_account order by program_id limit :limit")
                .param("limit", MAX_LIST)
                .query(String.class)
                .list();
    }

    Optional<Transfer> transfer(UUID id) {
        return jdbc.sql("select " + BatchApplier.TRANSFER_COLUMNS + " from ledger_transfer where id = :id")
                .param("id", id)
                .query((rs, n) -> transfer(rs))
                .optional();
    }

    Optional<Transfer> resolutionOf(UUID pendingId) {
        return jdbc.sql("select " + BatchApplier.TRANSFER_COLUMNS + " from ledger_transfer where pending_id = :id")
                .param("id", pendingId)
                .query((rs, n) -> transfer(rs))
                .optional();
    }

    List<Transfer> bySource(String sourceType, String sourceId) {
        return jdbc.sql("select " + BatchApplier.TRANSFER_COLUMNS + """
                         from ledger_transfer where source_id = :s and source_type = :t
                        order by batch_seq, batch_index limit :limit""")
                .param("t", sourceType)
                .param("s", sourceId)
                .param("limit", MAX_LIST)
                .query((rs, n) -> transfer(rs))
                .list();
    }

    /**
     * The latest transfers that moved an account, newest first. The positions come from the
     * statement index ledger_account_batch (newest batches first, until there are enough), the
     * rows from the journal by position, filtered again by the account.
     */
    List<Transfer> ofAccount(UUID accountId, int limit) {
        int capped = Math.min(Math.max(limit, 1), MAX_LIST);
        List<Long> seqs = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        long before = Long.MAX_VALUE;
        while (indexes.size() < capped) {
            record Entry(long seq, Integer[] positions) {
            }
            List<Entry> entries = jdbc.sql("""
                            select batch_seq, batch_indexes from ledger_account_batch
                            where account_id = :a and batch_seq < :before order by batch_seq desc limit 64""")
                    .param("a", accountId)
                    .param("before", before)
                    .query((rs, n) -> new Entry(rs.getLong(1), (Integer[]) rs.getArray(2).getArray()))
                    .list();
            for (Entry e : entries) {
                for (int i = e.positions().length - 1; i >= 0 && indexes.size() < capped; i--) {
                    seqs.add(e.seq());
                    indexes.add(e.positions()[i]);
                }
                before = e.seq();
            }
            if (entries.size() < 64) {
                break;
            }
        }
        if (indexes.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select " + BatchApplier.TRANSFER_COLUMNS + """
                         from ledger_transfer
                        where (batch_seq, batch_index) in (select * from unnest(:seqs::bigint[], :indexes::int[]))
                          and (debit_account_id = :a or credit_account_id = :a)
                        order by batch_seq desc, batch_index desc""")
                .param("seqs", arrayLiteral(seqs))
                .param("indexes", arrayLiteral(indexes))
                .param("a", accountId)
                .query((rs, n) -> transfer(rs))
                .list();
    }

    private static String arrayLiteral(List<? extends Number> values) {
        StringBuilder out = new StringBuilder(values.size() * 8).append('{');
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? "" : ",").append(values.get(i).longValue());
        }
        return out.append('}').toString();
    }

    record BatchLink(long seq, OffsetDateTime committedAt, byte[] hash) {
    }

    Optional<BatchLink> batch(long seq) {
        return jdbc.sql("select seq, committed_at, hash from ledger_batch where seq = :s")
                .param("s", seq)
                .query((rs, n) -> new BatchLink(rs.getLong(1), rs.getObject(2, OffsetDateTime.class), rs.getBytes(3)))
                .optional();
    }

    BatchLink head() {
        return jdbc.sql("""
                        select h.seq, b.committed_at, h.hash from ledger_chain_head h
                        left join ledger_batch b on b.seq = h.seq""")
                .query((rs, n) -> new BatchLink(rs.getLong(1), rs.getObject(2, OffsetDateTime.class), rs.getBytes(3)))
                .single();
    }

    Optional<LocalDate> closedThrough(String programId) {
        return jdbc.sql("select max(closed_through) from ledger_period_close where program_id = :p")
                .param("p", programId)
                .query((rs, n) -> Optional.ofNullable(rs.getObject(1, LocalDate.class)))
                .single();
    }
}
