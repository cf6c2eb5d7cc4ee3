package org.zhice.voucher;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** One application (申领) as stored, with the voucher it became. */
public record ApplicationRecord(String id, String programId, int programVersion, String enterpriseUscc, String contractId,
                         String providerUscc, String contractSource, OffsetDateTime submittedAt, String submittedBy, String stage,
                         String status, List<String> eligibilityReasons, long requestFen, String recommendation,
                         String preparedBy, OffsetDateTime preparedAt, String prepareNote, String decidedBy,
                         OffsetDateTime decidedAt, String decisionNote, List<String> reasons, long reservationFen,
                         long leftFen, long grantedFen, UUID pendingTransferId, boolean closed) {

    static final String COLUMNS = """
            id, program_id, program_version, enterprise_uscc, contract_id, provider_uscc, contract_source, submitted_at, submitted_by,
            stage, status, eligibility_reasons, request_fen, recommendation, prepared_by, prepared_at, prepare_note,
            decided_by, decided_at, decision_note, reasons, reservation_fen, left_fen, granted_fen,
            pending_transfer_id, closed""";

    static ApplicationRecord row(ResultSet rs, int n) throws SQLException {
        return new ApplicationRecord(rs.getString("id"), rs.getString("program_id"), rs.getInt("program_version"),
                rs.getString("enterprise_uscc"), rs.getString("contract_id"), rs.getString("provider_uscc"),
                rs.getString("contract_source"),
                rs.getObject("submitted_at", OffsetDateTime.class), rs.getString("submitted_by"), rs.getString("stage"),
                rs.getString("status"), codes(rs.getString("eligibility_reasons")), rs.getLong("request_fen"),
                rs.getString("recommendation"), rs.getString("prepared_by"),
                rs.getObject("prepared_at", OffsetDateTime.class), rs.getString("prepare_note"),
                rs.getString("decided_by"), rs.getObject("decided_at", OffsetDateTime.class),
                rs.getString("decision_note"), codes(rs.getString("reasons")), rs.getLong("reservation_fen"),
                rs.getLong("left_fen"), rs.getLong("granted_fen"), rs.getObject("pending_transfer_id", UUID.class),
                rs.getBoolean("closed"));
    }

    static List<String> codes(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split(";"));
    }

    public boolean decided() {
        return "decided".equals(stage);
    }

    /** Approved or partial: a voucher with a reservation. */
    public boolean voucher() {
        return "approved".equals(status) || "partial".equals(status);
    }

    /** A voucher that may still be redeemed on. */
    public boolean open() {
        return voucher() && !closed;
    }

    /** Where the item stands, as a message key suffix: pending, prepared, approved, partial, rejected, closed. */
    public String standing() {
        if (!decided()) {
            return stage;
        }
        return voucher() && closed ? "closed" : status;
    }
}
