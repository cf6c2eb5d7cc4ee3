package org.zhice.voucher;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.audit.AuditLog;
import org.zhice.identity.Role;
import org.zhice.ledger.TransferRequest;
import org.zhice.registry.Organisation;
import org.zhice.registry.Registry;

/**
 * 追回: the program office claws back (part of) a paid subsidy, with its reason. The enterprise
 * then owes it: a receivable on the ledger (the money is owed to the program's funding source,
 * not put back into this year's pool before it is collected). Later subsidies of the enterprise
 * in the same program are offset against it in the disbursement batch.
 */
@Service
public class Clawbacks {

    public record Clawback(long id, String redemptionId, String programId, String enterpriseUscc, long amountFen,
                    String reason, LocalDate valueDate, String recordedBy, OffsetDateTime recordedAt) {
    }

    private final JdbcClient jdbc;
    private final ProgramFunds funds;
    private final Redemptions redemptions;
    private final VoucherAccounts accounts;
    private final Movements movements;
    private final Registry registry;
    private final AuditLog audit;
    private final Clock clock;

    Clawbacks(JdbcClient jdbc, ProgramFunds funds, Redemptions redemptions, VoucherAccounts accounts,
              Movements movements, Registry registry, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.funds = funds;
        this.redemptions = redemptions;
        this.accounts = accounts;
        this.movements = movements;
        this.registry = registry;
        this.audit = audit;
        this.clock = clock;
    }

    /** An amount typed in 元 with at most two decimals, as fen; refused naming the field. */
    static long fen(String yuan) {
        if (yuan == null || !yuan.strip().matches("[0-9]{1,12}(\\.[0-9]{1,2})?")) {
            throw VoucherException.invalid("amountYuan", "voucher.clawback.amount.invalid", yuan == null ? "" : yuan);
        }
        return new BigDecimal(yuan.strip()).movePointRight(2).longValueExact();
    }

    @Transactional
    Clawback record(Actor actor, String redemptionId, long amountFen, String reason) {
        return record(actor, redemptionId, amountFen, reason, clock.instant());
    }

    @Transactional
    Clawback record(Actor actor, String redemptionId, long amountFen, String reason, Instant at) {
        if (!actor.is(Role.PROGRAM_OFFICE)) {
            throw VoucherException.forbidden("voucher.error.officeOnly");
        }
        String text = reason == null ? null : reason.strip();
        if (text == null || text.length() < 2 || text.length() > 2000) {
            throw VoucherException.invalid("reason", "voucher.clawback.reason.invalid");
        }
        RedemptionRecord peek = redemptions.find(redemptionId)
                .orElseThrow(() -> VoucherException.invalid("redemptionId", "voucher.error.redemption.unknown",
                        redemptionId));
        funds.lock(peek.programId());
        RedemptionRecord redemption = redemptions.lock(redemptionId);
        if (!"paid".equals(redemption.stage())) {
            throw VoucherException.invalid("redemptionId", "voucher.clawback.notPaid", redemptionId);
        }
        long open = redemption.paidFen() - redemption.clawedBackFen();
        if (amountFen <= 0 || amountFen > open) {
            throw VoucherException.invalid("amountYuan", "voucher.clawback.amount.range", BankFile.yuan(open));
        }
        LocalDate day = Clocks.dateOf(at);
        long id = jdbc.sql("""
                        insert into voucher_clawback (redemption_id, program_id, enterprise_uscc, amount_fen, reason,
                            value_date, recorded_by, recorded_at)
                        values (:r, :p, :e, :a, :reason, :day, :by, :at) returning id""")
                .param("r", redemptionId).param("p", redemption.programId()).param("e", redemption.enterpriseUscc())
                .param("a", amountFen).param("reason", text).param("day", day).param("by", actor.username())
                .param("at", Clocks.at(at))
                .query(Long.class).single();
        jdbc.sql("update voucher_redemption set clawed_back_fen = clawed_back_fen + :a where id = :r")
                .param("a", amountFen).param("r", redemptionId).update();
        audit.recordAs(actor.username(), "voucher.clawback.record", "voucher_redemption", redemptionId,
                amountFen + " fen: " + text);
        accounts.openEnterprise(redemption.programId(), redemption.enterpriseUscc(), null);
        accounts.post(List.of(TransferRequest.single(VoucherAccounts.transferId("clawback", Long.toString(id)),
                VoucherAccounts.receivable(redemption.programId(), redemption.enterpriseUscc()),
                VoucherAccounts.funding(redemption.programId()), amountFen, "CLAWBACK", "voucher.clawback",
                Long.toString(id)).withValueDate(day)));
        String region = registry.organisation(redemption.enterpriseUscc()).map(Organisation::regionCode).orElse(null);
        movements.record(redemption.programId(), day, Movements.Kind.CLAWBACK, redemption.enterpriseUscc(), region,
                null, amountFen, redemptionId);
        return find(id);
    }

    Clawback find(long id) {
        return jdbc.sql("select " + COLUMNS + " from voucher_clawback where id = :id")
                .param("id", id).query(Clawbacks::row).single();
    }

    List<Clawback> ofProgram(String programId) {
        return jdbc.sql("select " + COLUMNS + " from voucher_clawback where program_id = :p order by id desc limit 500")
                .param("p", programId).query(Clawbacks::row).list();
    }

    List<Clawback> ofEnterprise(String enterpriseUscc) {
        return jdbc.sql("select " + COLUMNS + " from voucher_clawback where enterprise_uscc = :e order by id desc limit 500")
                .param("e", enterpriseUscc).query(Clawbacks::row).list();
    }

    long receivableFen(String programId, String enterpriseUscc) {
        return accounts.receivableFen(programId, enterpriseUscc);
    }

    static final String COLUMNS = """
            id, redemption_id, program_id, enterprise_uscc, amount_fen, reason, value_date, recorded_by, recorded_at""";

    static Clawback row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Clawback(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                rs.getString(6), rs.getObject(7, LocalDate.class), rs.getString(8),
                rs.getObject(9, OffsetDateTime.class));
    }
}
