package org.zhice.voucher;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.audit.AuditLog;
import org.zhice.identity.Role;

/**
 * Objections (异议) to items in 公示. Anyone may file one, without signing in: a name (optional),
 * a way to reach them and what is wrong. An open objection holds its item (it cannot be paid)
 * until the program office resolves it: upheld, the redemption is rejected and the subsidy goes
 * back to the voucher's reservation; dismissed, the item goes on (and is ready to pay once its
 * window has passed and nothing else holds it). Filing is limited per source and per item.
 */
@Service
public class Objections {

    /** At most this many objections from one source (network address) an hour. */
    static final int PER_SOURCE_PER_HOUR = 5;
    /** At most this many open objections on one item. */
    static final int OPEN_PER_ITEM = 50;

    public record Objection(long id, String redemptionId, String name, String contact, String text, OffsetDateTime filedAt,
                     String state, String resolvedBy, OffsetDateTime resolvedAt, String resolution) {
    }

    public record Form(String name, String contact, String text) {
    }

    private final JdbcClient jdbc;
    private final ProgramFunds funds;
    private final Applications applications;
    private final Redemptions redemptions;
    private final AuditLog audit;
    private final Clock clock;

    Objections(JdbcClient jdbc, ProgramFunds funds, Applications applications, Redemptions redemptions,
               AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.funds = funds;
        this.applications = applications;
        this.redemptions = redemptions;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    long file(String redemptionId, Form form, String source) {
        return file(redemptionId, form, source, clock.instant());
    }

    /** Files an objection from {@code source} (e.g. the client's address; only a hash is kept). */
    @Transactional
    long file(String redemptionId, Form form, String source, Instant at) {
        String name = trim(form.name());
        String contact = trim(form.contact());
        String text = trim(form.text());
        if (name != null && name.length() > 100) {
            throw VoucherException.invalid("name", "voucher.objection.name.tooLong", 100);
        }
        if (contact == null || contact.length() < 3 || contact.length() > 200) {
            throw VoucherException.invalid("contact", "voucher.objection.contact.invalid", 3, 200);
        }
        if (text == null || text.length() < 10 || text.length() > 2000) {
            throw VoucherException.invalid("text", "voucher.objection.text.invalid", 10, 2000);
        }
        RedemptionRecord redemption = redemptions.lock(redemptionId);
        LocalDate today = Clocks.dateOf(at);
        boolean open = redemption.inNotice() && (!redemption.noticeUntil().isBefore(today) || redemption.held());
        if (!open) {
            throw VoucherException.conflict("voucher.objection.closed", redemptionId);
        }
        OffsetDateTime filed = Clocks.at(at);
        String hash = hash(source);
        int recent = jdbc.sql("select count(*) from voucher_objection where source_hash = :h and filed_at > :since")
                .param("h", hash).param("since", filed.minusHours(1)).query(Integer.class).single();
        if (recent >= PER_SOURCE_PER_HOUR) {
            throw VoucherException.conflict("voucher.objection.tooMany", PER_SOURCE_PER_HOUR);
        }
        if (redemption.openObjections() >= OPEN_PER_ITEM) {
            throw VoucherException.conflict("voucher.objection.itemFull", OPEN_PER_ITEM);
        }
        long id = jdbc.sql("""
                        insert into voucher_objection (redemption_id, name, contact, text, filed_at, source_hash, state)
                        values (:r, :name, :contact, :text, :at, :h, 'open') returning id""")
                .param("r", redemptionId).param("name", name).param("contact", contact).param("text", text)
                .param("at", filed).param("h", hash)
                .query(Long.class).single();
        audit.recordAs("public", "voucher.objection.file", "voucher_redemption", redemptionId,
                "objection " + id + " holds the item");
        return id;
    }

    @Transactional
    Objection resolve(Actor actor, long objectionId, boolean upheld, String note) {
        return resolve(actor, objectionId, upheld, note, clock.instant());
    }

    /** The program office resolves an open objection. */
    @Transactional
    Objection resolve(Actor actor, long objectionId, boolean upheld, String note, Instant at) {
        if (!actor.is(Role.PROGRAM_OFFICE)) {
            throw VoucherException.forbidden("voucher.error.officeOnly");
        }
        String text = Review.note(note, true);
        Objection peek = find(objectionId).orElseThrow(() -> VoucherException.notFound("voucher.objection.notFound",
                objectionId));
        RedemptionRecord item = redemptions.find(peek.redemptionId()).orElseThrow();
        funds.lock(item.programId());
        ApplicationRecord application = applications.lock(item.applicationId());
        RedemptionRecord redemption = redemptions.lock(item.id());
        Objection objection = jdbc.sql("select " + COLUMNS + " from voucher_objection where id = :id for update")
                .param("id", objectionId).query(Objections::row).single();
        if (!"open".equals(objection.state())) {
            throw VoucherException.conflict("voucher.objection.resolved", objectionId);
        }
        OffsetDateTime resolvedAt = Clocks.at(at);
        audit.recordAs(actor.username(), "voucher.objection.resolve", "voucher_redemption", redemption.id(),
                "objection " + objectionId + (upheld ? " upheld" : " dismissed") + ": " + text);
        jdbc.sql("""
                        update voucher_objection set state = :state, resolved_by = :by, resolved_at = :at, resolution = :note
                        where id = :id""")
                .param("state", upheld ? "upheld" : "dismissed").param("by", actor.username()).param("at", resolvedAt)
                .param("note", text).param("id", objectionId)
                .update();
        if (upheld && redemption.inNotice()) {
            // the others of the item are settled with it
            jdbc.sql("""
                            update voucher_objection set state = 'upheld', resolved_by = :by, resolved_at = :at,
                                resolution = :note where redemption_id = :r and state = 'open'""")
                    .param("by", actor.username()).param("at", resolvedAt).param("note", text)
                    .param("r", redemption.id())
                    .update();
            redemptions.takeBack(actor, redemption, application, text, resolvedAt);
        }
        return find(objectionId).orElseThrow();
    }

    static final String COLUMNS = """
            id, redemption_id, name, contact, text, filed_at, state, resolved_by, resolved_at, resolution""";

    static Objection row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Objection(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getObject(6, OffsetDateTime.class), rs.getString(7), rs.getString(8),
                rs.getObject(9, OffsetDateTime.class), rs.getString(10));
    }

    Optional<Objection> find(long id) {
        return jdbc.sql("select " + COLUMNS + " from voucher_objection where id = :id")
                .param("id", id).query(Objections::row).optional();
    }

    List<Objection> ofRedemption(String redemptionId) {
        return jdbc.sql("select " + COLUMNS + " from voucher_objection where redemption_id = :r order by id")
                .param("r", redemptionId).query(Objections::row).list();
    }

    List<Objection> open() {
        return jdbc.sql("select " + COLUMNS + " from voucher_objection where state = 'open' order by filed_at, id limit 500")
                .query(Objections::row).list();
    }

    /** Objections of an item shown in public: without contact details. */
    int count(String redemptionId) {
        return jdbc.sql("select count(*) from voucher_objection where redemption_id = :r")
                .param("r", redemptionId).query(Integer.class).single();
    }

    private static String trim(String value) {
        if (value == null) {
            return null;
        }
        String stripped = value.strip();
        return stripped.isEmpty() ? null : stripped;
    }

    static String hash(String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("zhice-objection\0" + (source == null ? "" : source)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
