package org.zhice.voucher;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;

/** One redemption (兑付) as stored, with where it stands in 公示 and payment. */
public record RedemptionRecord(String id, String applicationId, String programId, String enterpriseUscc, String payeeUscc,
                        String mode, String filedBy, OffsetDateTime submittedAt, LocalDate periodFrom,
                        LocalDate periodTo, boolean last, String stage, String status, long rawFen, long subsidyFen,
                        List<String> reasons, String recommendation, String preparedBy, OffsetDateTime preparedAt,
                        String prepareNote, String decidedBy, OffsetDateTime decidedAt, String decisionNote,
                        LocalDate noticeFrom, LocalDate noticeUntil, long paidFen, long clawedBackFen,
                        Long disbursementId, int openObjections) {

    static final String COLUMNS = """
            r.id, r.application_id, r.program_id, r.enterprise_uscc, r.payee_uscc, r.mode, r.filed_by, r.submitted_at,
            r.period_from, r.period_to, r.final, r.stage, r.status, r.raw_fen, r.subsidy_fen, r.reasons,
            r.recommendation, r.prepared_by, r.prepared_at, r.prepare_note, r.decided_by, r.decided_at,
            r.decision_note, r.notice_from, r.notice_until, r.paid_fen, r.clawed_back_fen, r.disbursement_id,
            (select count(*) from voucher_objection o where o.redemption_id = r.id and o.state = 'open') as open_objections""";

    static RedemptionRecord row(ResultSet rs, int n) throws SQLException {
        long disbursement = rs.getLong("disbursement_id");
        Long disbursementId = rs.wasNull() ? null : disbursement;
        return new RedemptionRecord(rs.getString("id"), rs.getString("application_id"), rs.getString("program_id"),
                rs.getString("enterprise_uscc"), rs.getString("payee_uscc"), rs.getString("mode"),
                rs.getString("filed_by"), rs.getObject("submitted_at", OffsetDateTime.class),
                rs.getObject("period_from", LocalDate.class), rs.getObject("period_to", LocalDate.class),
                rs.getBoolean("final"), rs.getString("stage"), rs.getString("status"), rs.getLong("raw_fen"),
                rs.getLong("subsidy_fen"), ApplicationRecord.codes(rs.getString("reasons")),
                rs.getString("recommendation"), rs.getString("prepared_by"),
                rs.getObject("prepared_at", OffsetDateTime.class), rs.getString("prepare_note"),
                rs.getString("decided_by"), rs.getObject("decided_at", OffsetDateTime.class),
                rs.getString("decision_note"), rs.getObject("notice_from", LocalDate.class),
                rs.getObject("notice_until", LocalDate.class), rs.getLong("paid_fen"), rs.getLong("clawed_back_fen"),
                disbursementId, rs.getInt("open_objections"));
    }

    /** Past review: decided (approved, partial or rejected), in 公示 or paid. */
    public boolean decided() {
        return !"pending".equals(stage) && !"prepared".equals(stage);
    }

    public boolean inNotice() {
        return "notice".equals(stage);
    }

    public boolean held() {
        return inNotice() && openObjections > 0;
    }

    /** In 公示, its window passed on {@code today}, nothing holding it: ready for a disbursement batch. */
    public boolean ready(LocalDate today) {
        return inNotice() && openObjections == 0 && noticeUntil.isBefore(today);
    }

    /**
     * Where the item stands on {@code today}, as a message key suffix: pending, prepared,
     * rejected, notice, held, ready, paid.
     */
    public String standing(LocalDate today) {
        if (held()) {
            return "held";
        }
        if (ready(today)) {
            return "ready";
        }
        if ("decided".equals(stage)) {
            return status;
        }
        return stage;
    }
}
