package org.zhice.voucher;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.audit.AuditLog;
import org.zhice.identity.Role;
import org.zhice.ledger.TransferRequest;
import org.zhice.registry.Organisation;
import org.zhice.registry.Registry;

/**
 * Disbursement batches (拨付). The program office pays, in one batch, every redemption of a
 * program whose 公示 window has passed with nothing holding it. On the ledger each subsidy
 * becomes payable to its payee (the enterprise, or the provider that deducted it) and is paid
 * from the bank; an open receivable of the enterprise (a clawback) is offset first and the
 * batch shows it on the line. The bank payment file is written and kept with its SHA-256.
 */
@Service
public class Disbursements {

    /** A batch pays at most this many redemptions; the rest wait for the next one. */
    static final int MAX_LINES = 1_000;

    public record Batch(long id, String programId, LocalDate valueDate, String createdBy, OffsetDateTime createdAt,
                 int lineCount, long grossFen, long offsetFen, long netFen, String bankFileSha256) {
    }

    public record Line(String redemptionId, String payeeUscc, long grossFen, long offsetFen, long netFen, String reference) {
    }

    private final JdbcClient jdbc;
    private final ProgramFunds funds;
    private final VoucherAccounts accounts;
    private final Movements movements;
    private final Registry registry;
    private final AuditLog audit;
    private final Clock clock;

    Disbursements(JdbcClient jdbc, ProgramFunds funds, VoucherAccounts accounts, Movements movements,
                  Registry registry, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.funds = funds;
        this.accounts = accounts;
        this.movements = movements;
        this.registry = registry;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    Batch run(Actor actor, String programId) {
        return run(actor, programId, clock.instant());
    }

    /** Pays every redemption of the program ready on the day of {@code at}. */
    @Transactional
    Batch run(Actor actor, String programId, Instant at) {
        if (!actor.is(Role.PROGRAM_OFFICE)) {
            throw VoucherException.forbidden("voucher.error.officeOnly");
        }
        funds.lock(programId);
        LocalDate day = Clocks.dateOf(at);
        List<RedemptionRecord> ready = jdbc.sql("select " + RedemptionRecord.COLUMNS + """
                         from voucher_redemption r
                        where r.program_id = :p and r.stage = 'notice' and r.notice_until < :day
                          and not exists (select 1 from voucher_objection o where o.redemption_id = r.id and o.state = 'open')
                        order by r.decided_at, r.id limit :n
                        for update of r""")
                .param("p", programId).param("day", day).param("n", MAX_LINES)
                .query(RedemptionRecord::row).list();
        if (ready.isEmpty()) {
            throw VoucherException.conflict("voucher.disbursement.nothingReady", programId);
        }
        OffsetDateTime created = Clocks.at(at);
        long gross = 0;
        long offset = 0;
        Map<String, Long> receivables = new HashMap<>();
        List<Line> lines = new ArrayList<>();
        for (RedemptionRecord r : ready) {
            long owed = 0;
            if (r.payeeUscc().equals(r.enterpriseUscc())) {
                owed = receivables.computeIfAbsent(r.enterpriseUscc(), e -> accounts.receivableFen(programId, e));
            }
            long lineOffset = Math.min(owed, r.subsidyFen());
            if (lineOffset > 0) {
                receivables.put(r.enterpriseUscc(), owed - lineOffset);
            }
            lines.add(new Line(r.id(), r.payeeUscc(), r.subsidyFen(), lineOffset, r.subsidyFen() - lineOffset,
                    "ZHICE-" + r.id()));
            gross += r.subsidyFen();
            offset += lineOffset;
        }
        String bankFile = BankFile.write(payments(lines));
        long id = jdbc.sql("""
                        insert into voucher_disbursement (program_id, value_date, created_by, created_at, line_count,
                            gross_fen, offset_fen, net_fen, bank_file, bank_file_sha256)
                        values (:p, :day, :by, :at, :count, :gross, :offset, :net, :file, :sha) returning id""")
                .param("p", programId).param("day", day).param("by", actor.username()).param("at", created)
                .param("count", lines.size()).param("gross", gross).param("offset", offset)
                .param("net", gross - offset).param("file", bankFile)
                .param("sha", UploadedContracts.sha256(bankFile.getBytes(StandardCharsets.UTF_8)))
                .query(Long.class).single();
        audit.recordAs(actor.username(), "voucher.disbursement.run", "voucher_disbursement", Long.toString(id),
                programId + ": " + lines.size() + " payments, gross " + gross + " fen, offset " + offset + " fen");
        List<TransferRequest> transfers = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            RedemptionRecord r = ready.get(i);
            transfers.add(TransferRequest.single(VoucherAccounts.transferId("payable", line.redemptionId()),
                    VoucherAccounts.reserved(programId, r.enterpriseUscc()),
                    VoucherAccounts.payable(programId, line.payeeUscc()), line.grossFen(), "PAYABLE",
                    "voucher.redemption", line.redemptionId()).withValueDate(day));
            if (line.offsetFen() > 0) {
                transfers.add(TransferRequest.single(VoucherAccounts.transferId("offset", line.redemptionId()),
                        VoucherAccounts.payable(programId, line.payeeUscc()),
                        VoucherAccounts.receivable(programId, r.enterpriseUscc()), line.offsetFen(), "OFFSET",
                        "voucher.redemption", line.redemptionId()).withValueDate(day));
            }
            if (line.netFen() > 0) {
                transfers.add(TransferRequest.single(VoucherAccounts.transferId("pay", line.redemptionId()),
                        VoucherAccounts.payable(programId, line.payeeUscc()), VoucherAccounts.bank(programId),
                        line.netFen(), "PAY", "voucher.disbursement", Long.toString(id)).withValueDate(day));
            }
        }
        accounts.post(transfers);
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            RedemptionRecord r = ready.get(i);
            jdbc.sql("""
                            insert into voucher_disbursement_line (disbursement_id, redemption_id, payee_uscc, gross_fen,
                                offset_fen, net_fen, reference)
                            values (:d, :r, :payee, :gross, :offset, :net, :ref)""")
                    .param("d", id).param("r", line.redemptionId()).param("payee", line.payeeUscc())
                    .param("gross", line.grossFen()).param("offset", line.offsetFen()).param("net", line.netFen())
                    .param("ref", line.reference())
                    .update();
            jdbc.sql("update voucher_redemption set stage = 'paid', paid_fen = subsidy_fen, disbursement_id = :d where id = :r")
                    .param("d", id).param("r", line.redemptionId())
                    .update();
            String region = registry.organisation(r.enterpriseUscc()).map(Organisation::regionCode).orElse(null);
            movements.record(programId, day, Movements.Kind.PAY, r.enterpriseUscc(), region, null, line.grossFen(),
                    line.redemptionId());
            movements.record(programId, day, Movements.Kind.OFFSET, r.enterpriseUscc(), region, null,
                    line.offsetFen(), line.redemptionId());
        }
        return find(id).orElseThrow();
    }

    private List<BankFile.Payment> payments(List<Line> lines) {
        List<BankFile.Payment> payments = new ArrayList<>();
        for (Line line : lines) {
            if (line.netFen() == 0) {
                continue;
            }
            String name = registry.organisation(line.payeeUscc()).map(Organisation::name).orElse("");
            BankAccount account = bankAccount(line.payeeUscc()).orElse(new BankAccount("", ""));
            payments.add(new BankFile.Payment(line.payeeUscc(), name, account.bankName(), account.accountNo(),
                    line.netFen(), line.reference()));
        }
        return payments;
    }

    public record BankAccount(String bankName, String accountNo) {
    }

    Optional<BankAccount> bankAccount(String uscc) {
        return jdbc.sql("select bank_name, account_no from voucher_bank_account where uscc = :u")
                .param("u", uscc).query((rs, n) -> new BankAccount(rs.getString(1), rs.getString(2))).optional();
    }

    /** Redemptions of the program that a batch run on {@code day} would pay. */
    List<RedemptionRecord> ready(String programId, LocalDate day) {
        return jdbc.sql("select " + RedemptionRecord.COLUMNS + """
                         from voucher_redemption r
                        where r.program_id = :p and r.stage = 'notice' and r.notice_until < :day
                          and not exists (select 1 from voucher_objection o where o.redemption_id = r.id and o.state = 'open')
                        order by r.decided_at, r.id limit :n""")
                .param("p", programId).param("day", day).param("n", MAX_LINES)
                .query(RedemptionRecord::row).list();
    }

    static final String BATCH_COLUMNS = """
            id, program_id, value_date, created_by, created_at, line_count, gross_fen, offset_fen, net_fen,
            bank_file_sha256""";

    private static Batch batch(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Batch(rs.getLong(1), rs.getString(2), rs.getObject(3, LocalDate.class), rs.getString(4),
                rs.getObject(5, OffsetDateTime.class), rs.getInt(6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                rs.getString(10));
    }

    Optional<Batch> find(long id) {
        return jdbc.sql("select " + BATCH_COLUMNS + " from voucher_disbursement where id = :id")
                .param("id", id).query(Disbursements::batch).optional();
    }

    List<Batch> ofProgram(String programId) {
        return jdbc.sql("select " + BATCH_COLUMNS + " from voucher_disbursement where program_id = :p order by id desc limit 200")
                .param("p", programId).query(Disbursements::batch).list();
    }

    List<Line> lines(long id) {
        return jdbc.sql("""
                        select redemption_id, payee_uscc, gross_fen, offset_fen, net_fen, reference
                        from voucher_disbursement_line where disbursement_id = :d order by redemption_id""")
                .param("d", id)
                .query((rs, n) -> new Line(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getString(6)))
                .list();
    }

    Optional<String> bankFile(long id) {
        return jdbc.sql("select bank_file from voucher_disbursement where id = :d")
                .param("d", id).query(String.class).optional();
    }

    /** The disbursement line of a redemption, if paid. */
    Optional<Line> lineOf(String redemptionId) {
        return jdbc.sql("""
                        select redemption_id, payee_uscc, gross_fen, offset_fen, net_fen, reference
                        from voucher_disbursement_line where redemption_id = :r""")
                .param("r", redemptionId)
                .query((rs, n) -> new Line(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getString(6)))
                .optional();
    }
}
