package org.zhice.voucher;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.audit.AuditLog;
import org.zhice.identity.Role;
import org.zhice.ledger.TransferRequest;
import org.zhice.policy.Program;
import org.zhice.policy.ProgramCatalog;
import org.zhice.registry.Organisation;
import org.zhice.registry.Registry;
import org.zhice.rules.DecisionReason;
import org.zhice.rules.Status;
import org.zhice.rules.Subsidy;

/**
 * 兑付 online: the enterprise (or, where the program says {@code provider_deducts}, the provider
 * that deducted the voucher at sale) claims the subsidy on the metered usage of a period, with
 * its invoice numbers; a reviewer prepares and another user, an approver, decides. Deciding runs
 * spec §5 on the accepted events: the subsidy moves from reserved to granted on the ledger (the
 * pending reservation is posted in part and the rest held again, or, for a final redemption,
 * released), the events are marked counted in the same transaction, and an approved subsidy
 * goes to 公示 for the program's working days.
 */
@Service
public class Redemptions {

    static final String OBJECTION_UPHELD = "OBJECTION_UPHELD";

    private final JdbcClient jdbc;
    private final ProgramFunds funds;
    private final Applications applications;
    private final ContractFacts contracts;
    private final Invoices invoices;
    private final MeteredUsage usage;
    private final VoucherAccounts accounts;
    private final Movements movements;
    private final WorkingDays workingDays;
    private final Registry registry;
    private final AuditLog audit;
    private final Clock clock;

    Redemptions(JdbcClient jdbc, ProgramFunds funds, Applications applications, ContractFacts contracts,
                Invoices invoices, MeteredUsage usage, VoucherAccounts accounts, Movements movements,
                WorkingDays workingDays, Registry registry, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.funds = funds;
        this.applications = applications;
        this.contracts = contracts;
        this.invoices = invoices;
        this.usage = usage;
        this.accounts = accounts;
        this.movements = movements;
        this.workingDays = workingDays;
        this.registry = registry;
        this.audit = audit;
        this.clock = clock;
    }

    /** What a redemption claims. */
    public record Claim(String applicationId, LocalDate periodFrom, LocalDate periodTo, boolean last, List<String> invoices) {
    }

    // ------------------------------------------------------------------ filing

    @Transactional
    RedemptionRecord file(Actor actor, Claim claim) {
        return file(actor, claim, clock.instant());
    }

    /**
     * Files a claim submitted at {@code at}. A voucher that was rejected or is closed is refused
     * by the rules at once (NO_VOUCHER, VOUCHER_CLOSED); otherwise the claim waits for review,
     * with the subsidy it would get now.
     */
    @Transactional
    RedemptionRecord file(Actor actor, Claim claim, Instant at) {
        if (!actor.is(Role.ENTERPRISE) && !actor.is(Role.PROVIDER)) {
            throw VoucherException.forbidden("voucher.error.redeemRole");
        }
        if (claim.applicationId() == null || claim.applicationId().isBlank()) {
            throw VoucherException.invalid("applicationId", "voucher.error.application.required");
        }
        ApplicationRecord application = applications.visible(actor, claim.applicationId().strip(), contracts)
                .orElseThrow(() -> VoucherException.invalid("applicationId", "voucher.error.application.unknown",
                        claim.applicationId()));
        ProgramCatalog.Version version = funds.program(application.programId());
        Program program = version.program();
        boolean providerDeducts = program.redemptionMode() == Program.RedemptionMode.PROVIDER_DEDUCTS;
        if (providerDeducts && !actor.is(Role.PROVIDER)) {
            throw VoucherException.forbidden("voucher.error.providerDeducts");
        }
        if (!providerDeducts && !actor.is(Role.ENTERPRISE)) {
            throw VoucherException.forbidden("voucher.error.enterpriseClaims");
        }
        if (!application.decided()) {
            throw VoucherException.invalid("applicationId", "voucher.error.redeem.notDecided", application.id());
        }
        if (claim.periodFrom() == null) {
            throw VoucherException.invalid("periodFrom", "voucher.error.date.required");
        }
        if (claim.periodTo() == null) {
            throw VoucherException.invalid("periodTo", "voucher.error.date.required");
        }
        if (claim.periodTo().isBefore(claim.periodFrom())) {
            throw VoucherException.invalid("periodTo", "voucher.error.period.order", claim.periodFrom());
        }
        Map<String, String> numbers = Invoices.parse(claim.invoices());
        long number = jdbc.sql("select nextval('voucher_redemption_number')").query(Long.class).single();
        String id = "VR%04d-%06d".formatted(Clocks.dateOf(at).getYear(), number);
        String payee = providerDeducts ? application.providerUscc() : application.enterpriseUscc();
        List<DecisionReason> refused = new ArrayList<>();
        if (!application.voucher()) {
            refused.add(DecisionReason.NO_VOUCHER);
        } else if (application.closed()) {
            refused.add(DecisionReason.VOUCHER_CLOSED);
        }
        long raw = refused.isEmpty() ? take(program, application, claim.periodFrom(), claim.periodTo()).rawFen() : 0;
        OffsetDateTime submitted = Clocks.at(at);
        jdbc.sql("""
                        insert into voucher_redemption (id, application_id, program_id, enterprise_uscc, payee_uscc, mode,
                            filed_by, submitted_at, period_from, period_to, final, stage, status, raw_fen, reasons,
                            decided_by, decided_at)
                        values (:id, :app, :program, :e, :payee, :mode, :by, :at, :from, :to, :final, :stage, :status,
                            :raw, :reasons, :decidedBy, :decidedAt)""")
                .param("id", id).param("app", application.id()).param("program", application.programId())
                .param("e", application.enterpriseUscc()).param("payee", payee)
                .param("mode", program.redemptionMode().code()).param("by", actor.username()).param("at", submitted)
                .param("from", claim.periodFrom()).param("to", claim.periodTo()).param("final", claim.last())
                .param("stage", refused.isEmpty() ? "pending" : "decided")
                .param("status", refused.isEmpty() ? null : "rejected").param("raw", raw)
                .param("reasons", DecisionReason.join(refused))
                .param("decidedBy", refused.isEmpty() ? null : Actor.RULES)
                .param("decidedAt", refused.isEmpty() ? null : submitted)
                .update();
        invoices.claim(id, numbers);
        if (!refused.isEmpty()) {
            invoices.release(id);
        }
        audit.recordAs(actor.username(), "voucher.redemption.file", "voucher_redemption", id,
                application.id() + " " + claim.periodFrom() + ".." + claim.periodTo() + (claim.last() ? " final" : "")
                        + ", invoices " + String.join(",", numbers.values())
                        + (refused.isEmpty() ? ", raw " + raw + " fen" : " rejected: " + DecisionReason.join(refused)));
        return find(id).orElseThrow();
    }

    // ------------------------------------------------------------------ review

    @Transactional
    RedemptionRecord prepare(Actor actor, String id, String recommendation, String note) {
        return prepare(actor, id, recommendation, note, clock.instant());
    }

    @Transactional
    RedemptionRecord decide(Actor actor, String id, boolean approve, String note) {
        return decide(actor, id, approve, note, clock.instant());
    }

    @Transactional
    RedemptionRecord prepare(Actor actor, String id, String recommendation, String note, Instant at) {
        if (!actor.is(Role.REVIEWER) && !actor.is(Role.APPROVER)) {
            throw VoucherException.forbidden("voucher.error.reviewerOnly");
        }
        String choice = Review.recommendation(recommendation);
        String text = Review.note(note, "reject".equals(choice));
        RedemptionRecord redemption = lock(id);
        if (!"pending".equals(redemption.stage())) {
            throw VoucherException.conflict("voucher.error.notPending", id);
        }
        jdbc.sql("""
                        update voucher_redemption set stage = 'prepared', recommendation = :r, prepared_by = :by,
                            prepared_at = :at, prepare_note = :note where id = :id""")
                .param("r", choice).param("by", actor.username()).param("at", Clocks.at(at)).param("note", text)
                .param("id", id)
                .update();
        audit.recordAs(actor.username(), "voucher.redemption.prepare", "voucher_redemption", id,
                choice + (text == null ? "" : ": " + text));
        return find(id).orElseThrow();
    }

    /**
     * An approver other than the preparer decides. Approving runs spec §5 on the events as they
     * stand and moves the money; an approved or partial subsidy goes to 公示.
     */
    @Transactional
    RedemptionRecord decide(Actor actor, String id, boolean approve, String note, Instant at) {
        if (!actor.is(Role.APPROVER)) {
            throw VoucherException.forbidden("voucher.error.approverOnly");
        }
        String text = Review.note(note, !approve);
        RedemptionRecord peek = find(id).orElseThrow(() -> VoucherException.notFound("voucher.error.redemption.notFound", id));
        ProgramCatalog.Version version = funds.lock(peek.programId());
        ApplicationRecord application = applications.lock(peek.applicationId());
        RedemptionRecord redemption = lock(id);
        if (!"prepared".equals(redemption.stage())) {
            throw VoucherException.conflict("voucher.error.notPrepared", id);
        }
        if (actor.username().equals(redemption.preparedBy())) {
            throw VoucherException.conflict("voucher.error.makerChecker", redemption.preparedBy());
        }
        Program program = version.program();
        OffsetDateTime decidedAt = Clocks.at(at);
        LocalDate day = Clocks.dateOf(at);
        if (!approve) {
            audit.recordAs(actor.username(), "voucher.redemption.decide", "voucher_redemption", id,
                    "rejected by review: " + text);
            reject(id, Applications.REVIEW_REJECTED, actor, decidedAt, text);
            return find(id).orElseThrow();
        }
        if (!application.voucher() || application.closed()) {
            String reason = !application.voucher() ? DecisionReason.NO_VOUCHER.name() : DecisionReason.VOUCHER_CLOSED.name();
            audit.recordAs(actor.username(), "voucher.redemption.decide", "voucher_redemption", id, "rejected: " + reason);
            reject(id, reason, actor, decidedAt, text);
            return find(id).orElseThrow();
        }
        UsageTake taken = take(program, application, redemption.periodFrom(), redemption.periodTo());
        long left = application.leftFen();
        Subsidy subsidy = Subsidy.compute(taken.rawFen(), left);
        long amount = subsidy.amountFen();
        String reasons = DecisionReason.join(subsidy.reasons());
        // the events it counted are spent, whatever the subsidy (as in the replay); their rows are
        // locked before the audit log is, like every lock of this transaction
        List<Long> ids = taken.items().stream().map(item -> item.event().usageId()).toList();
        usage.markCounted(id, ids);
        for (UsageTake.Item item : taken.items()) {
            jdbc.sql("""
                            insert into voucher_redemption_usage (usage_id, redemption_id, event_id, sku, category, amount_fen)
                            values (:u, :r, :e, :sku, :c, :a)""")
                    .param("u", item.event().usageId()).param("r", id).param("e", item.event().eventId())
                    .param("sku", item.event().sku()).param("c", item.category()).param("a", item.amountFen())
                    .update();
        }
        funds.fund(version);
        audit.recordAs(actor.username(), "voucher.redemption.decide", "voucher_redemption", id,
                subsidy.status().code() + " " + amount + " fen of raw " + taken.rawFen() + " (reservation left " + left
                        + ", " + taken.items().size() + " events)" + (redemption.last() ? ", final" : "")
                        + (reasons.isEmpty() ? "" : " " + reasons));
        String enterprise = application.enterpriseUscc();
        String region = registry.organisation(enterprise).map(Organisation::regionCode).orElse(null);
        UUID pending = application.pendingTransferId();
        UUID nextPending = null;
        long released = redemption.last() ? left - amount : 0;
        List<TransferRequest> transfers = new ArrayList<>();
        if (amount > 0) {
            TransferRequest grant = TransferRequest.post(VoucherAccounts.transferId("grant", id), pending, amount)
                    .withCode("GRANT").withSource("voucher.redemption", id).withValueDate(day);
            if (!redemption.last() && left - amount > 0) {
                nextPending = VoucherAccounts.transferId("reserve", id);
                transfers.add(grant.linkedToNext());
                transfers.add(TransferRequest.pending(nextPending, VoucherAccounts.budgetPool(program.id()),
                                VoucherAccounts.reserved(program.id(), enterprise), left - amount, "RESERVE",
                                "voucher.application", application.id())
                        .withValueDate(day));
            } else {
                transfers.add(grant);
            }
        } else if (redemption.last() && pending != null) {
            transfers.add(TransferRequest.voidPending(VoucherAccounts.transferId("release", id), pending)
                    .withCode("RELEASE").withSource("voucher.redemption", id).withValueDate(day));
        } else {
            nextPending = pending;
        }
        if (!transfers.isEmpty()) {
            accounts.post(transfers);
        }
        boolean closed = redemption.last();
        jdbc.sql("""
                        update voucher_application set left_fen = :left, granted_fen = granted_fen + :amount,
                            pending_transfer_id = :pending, closed = :closed where id = :id""")
                .param("left", closed ? 0 : left - amount).param("amount", amount).param("pending", nextPending)
                .param("closed", closed).param("id", application.id())
                .update();
        movements.record(program.id(), day, Movements.Kind.GRANT, enterprise, region,
                Movements.fill(amount, taken.rawByCategory()), id);
        movements.record(program.id(), day, Movements.Kind.RELEASE, enterprise, region, null, released, id);
        if (subsidy.status() == Status.REJECTED) {
            jdbc.sql("""
                            update voucher_redemption set stage = 'decided', status = 'rejected', reasons = :reasons,
                                raw_fen = :raw, subsidy_fen = 0, decided_by = :by, decided_at = :at, decision_note = :note
                            where id = :id""")
                    .param("reasons", reasons).param("raw", taken.rawFen()).param("by", actor.username())
                    .param("at", decidedAt).param("note", text).param("id", id)
                    .update();
            invoices.release(id);
        } else {
            LocalDate until = workingDays.noticeEnds(day, program.noticeWorkingDays());
            jdbc.sql("""
                            update voucher_redemption set stage = 'notice', status = :status, reasons = :reasons,
                                raw_fen = :raw, subsidy_fen = :amount, decided_by = :by, decided_at = :at,
                                decision_note = :note, notice_from = :from, notice_until = :until
                            where id = :id""")
                    .param("status", subsidy.status().code()).param("reasons", reasons).param("raw", taken.rawFen())
                    .param("amount", amount).param("by", actor.username()).param("at", decidedAt).param("note", text)
                    .param("from", day).param("until", until).param("id", id)
                    .update();
        }
        return find(id).orElseThrow();
    }

    private void reject(String id, String reasons, Actor actor, OffsetDateTime at, String note) {
        jdbc.sql("""
                        update voucher_redemption set stage = 'decided', status = 'rejected', reasons = :reasons,
                            subsidy_fen = 0, decided_by = :by, decided_at = :at, decision_note = :note
                        where id = :id""")
                .param("reasons", reasons).param("by", actor.username()).param("at", at).param("note", note)
                .param("id", id)
                .update();
        invoices.release(id);
    }

    /**
     * An objection upheld: the redemption is rejected ({@value #OBJECTION_UPHELD}) and its subsidy
     * taken back from granted; the voucher's reservation gets it back while the voucher is open,
     * else it returns to the pool. Its events stay spent. The caller holds the program lock.
     */
    void takeBack(Actor actor, RedemptionRecord redemption, ApplicationRecord application, String note,
                  OffsetDateTime at) {
        String id = redemption.id();
        long amount = redemption.subsidyFen();
        String programId = redemption.programId();
        String enterprise = redemption.enterpriseUscc();
        LocalDate day = Clocks.dateOf(at);
        List<TransferRequest> transfers = new ArrayList<>();
        transfers.add(TransferRequest.single(VoucherAccounts.transferId("ungrant", id),
                VoucherAccounts.reserved(programId, enterprise), VoucherAccounts.budgetPool(programId), amount,
                "UNGRANT", "voucher.redemption", id).withValueDate(day));
        UUID nextPending = application.pendingTransferId();
        long left = application.leftFen();
        if (!application.closed()) {
            if (application.pendingTransferId() != null) {
                transfers.set(0, transfers.get(0).linkedToNext());
                transfers.add(TransferRequest.voidPending(VoucherAccounts.transferId("restore-void", id),
                                application.pendingTransferId())
                        .withCode("RELEASE").withSource("voucher.redemption", id).withValueDate(day).linkedToNext());
            } else {
                transfers.set(0, transfers.get(0).linkedToNext());
            }
            nextPending = VoucherAccounts.transferId("restore", id);
            transfers.add(TransferRequest.pending(nextPending, VoucherAccounts.budgetPool(programId),
                    VoucherAccounts.reserved(programId, enterprise), left + amount, "RESERVE", "voucher.application",
                    application.id()).withValueDate(day));
            left += amount;
        }
        accounts.post(transfers);
        jdbc.sql("""
                        update voucher_application set left_fen = :left, granted_fen = granted_fen - :amount,
                            pending_transfer_id = :pending where id = :id""")
                .param("left", left).param("amount", amount).param("pending", nextPending).param("id", application.id())
                .update();
        jdbc.sql("""
                        update voucher_redemption set stage = 'decided', status = 'rejected', reasons = :reasons,
                            subsidy_fen = 0, decision_note = :note where id = :id""")
                .param("reasons", OBJECTION_UPHELD).param("note", note).param("id", id)
                .update();
        invoices.release(id);
        String region = registry.organisation(enterprise).map(Organisation::regionCode).orElse(null);
        Map<String, Long> granted = grantedByCategory(id);
        movements.record(programId, day, Movements.Kind.UNGRANT, enterprise, region, granted, id);
        if (!application.closed()) {
            movements.record(programId, day, Movements.Kind.RESERVE, enterprise, region, null, amount, id);
        }
        audit.recordAs(actor.username(), "voucher.redemption.takeBack", "voucher_redemption", id,
                amount + " fen taken back" + (application.closed() ? " to the pool" : " to the voucher"));
    }

    private Map<String, Long> grantedByCategory(String redemptionId) {
        Map<String, Long> split = new java.util.LinkedHashMap<>();
        jdbc.sql("""
                        select category, sum(amount_fen) from voucher_movement
                        where source_id = :id and kind = 'grant' group by category order by category""")
                .param("id", redemptionId)
                .query(rs -> {
                    split.put(rs.getString(1), rs.getLong(2));
                });
        return split;
    }

    /** The usage a redemption of this voucher would count now, on {@code [from, to]}. */
    UsageTake take(Program program, ApplicationRecord application, LocalDate from, LocalDate to) {
        Optional<ContractFacts.Found> contract = contracts.find(application.contractId());
        if (contract.isEmpty()) {
            return UsageTake.of(program, List.of(), List.of(), Set.of(), from, to, false);
        }
        boolean startup = registry.organisation(application.enterpriseUscc()).map(Organisation::startup).orElse(false);
        Set<Long> counted = new HashSet<>(jdbc.sql("""
                        select u.usage_id from voucher_redemption_usage u
                        join voucher_redemption r on r.id = u.redemption_id
                        where r.application_id = :a""")
                .param("a", application.id()).query(Long.class).list());
        return UsageTake.of(program, contracts.priced(contract.get().contract(), program),
                usage.accepted(application.contractId()), counted, from, to, startup);
    }

    // ------------------------------------------------------------------ reading

    Optional<RedemptionRecord> find(String id) {
        return jdbc.sql("select " + RedemptionRecord.COLUMNS + " from voucher_redemption r where r.id = :id")
                .param("id", id).query(RedemptionRecord::row).optional();
    }

    /**
     * Visible to the enterprise, the payee (a provider that deducts), the provider of the
     * voucher's contract (whoever files in the program) and staff.
     */
    Optional<RedemptionRecord> visible(Actor actor, String id) {
        return onContract(id).filter(c -> actor.maySee(c.redemption().enterpriseUscc())
                        || actor.maySee(c.redemption().payeeUscc())
                        || (actor.is(Role.PROVIDER) && actor.maySee(c.providerUscc())))
                .map(OnContract::redemption);
    }

    RedemptionRecord lock(String id) {
        return jdbc.sql("select " + RedemptionRecord.COLUMNS + " from voucher_redemption r where r.id = :id for update of r")
                .param("id", id).query(RedemptionRecord::row).optional()
                .orElseThrow(() -> VoucherException.notFound("voucher.error.redemption.notFound", id));
    }

    List<RedemptionRecord> ofApplication(String applicationId) {
        return jdbc.sql("select " + RedemptionRecord.COLUMNS
                        + " from voucher_redemption r where r.application_id = :a order by r.submitted_at, r.id")
                .param("a", applicationId).query(RedemptionRecord::row).list();
    }

    /** Of an enterprise, or filed for it by a provider that is the payee; latest first. */
    List<RedemptionRecord> ofOrganisation(String uscc) {
        return jdbc.sql("select " + RedemptionRecord.COLUMNS + """
                         from voucher_redemption r where r.enterprise_uscc = :o or r.payee_uscc = :o
                        order by r.submitted_at desc, r.id desc limit :n""")
                .param("o", uscc).param("n", Applications.LIST_LIMIT).query(RedemptionRecord::row).list();
    }

    /**
     * A redemption with what the provider of its contract sees beside it: the contract, the
     * metered usage it counted and, once a disbursement batch paid it, the value date and the
     * payee (the enterprise where it claims after payment, the provider where it deducts).
     * {@code providerUscc} is null for a voucher on a contract that was never found.
     */
    public record OnContract(RedemptionRecord redemption, String contractId, String providerUscc, long usageFen,
                             int usageEvents, LocalDate paidOn, String paidToUscc) {

        public boolean paid() {
            return paidOn != null;
        }
    }

    private static final String ON_CONTRACT = "select " + RedemptionRecord.COLUMNS + """
            , a.contract_id, a.provider_uscc, d.value_date as paid_on, l.payee_uscc as paid_to,
              (select coalesce(sum(u.amount_fen), 0) from voucher_redemption_usage u
                where u.redemption_id = r.id) as usage_fen,
              (select count(*) from voucher_redemption_usage u where u.redemption_id = r.id) as usage_events
            from voucher_redemption r
            join voucher_application a on a.id = r.application_id
            left join voucher_disbursement_line l on l.redemption_id = r.id
            left join voucher_disbursement d on d.id = l.disbursement_id
            """;

    private static OnContract onContractRow(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new OnContract(RedemptionRecord.row(rs, n), rs.getString("contract_id"), rs.getString("provider_uscc"),
                rs.getLong("usage_fen"), rs.getInt("usage_events"), rs.getObject("paid_on", LocalDate.class),
                rs.getString("paid_to"));
    }

    Optional<OnContract> onContract(String id) {
        return jdbc.sql(ON_CONTRACT + "where r.id = :id").param("id", id).query(Redemptions::onContractRow).optional();
    }

    /**
     * The redemptions on vouchers whose contract this provider provides, whoever filed them and
     * whoever is paid; latest first. Never another provider's: the provider is the one the
     * application recorded from the contract.
     */
    List<OnContract> ofProvider(String providerUscc) {
        return jdbc.sql(ON_CONTRACT + """
                        where a.provider_uscc = :p
                        order by r.submitted_at desc, r.id desc limit :n""")
                .param("p", providerUscc).param("n", Applications.LIST_LIMIT).query(Redemptions::onContractRow).list();
    }

    List<RedemptionRecord> queue() {
        return jdbc.sql("select " + RedemptionRecord.COLUMNS + """
                         from voucher_redemption r where r.stage in ('pending', 'prepared')
                        order by r.submitted_at, r.id limit :n""")
                .param("n", Applications.LIST_LIMIT).query(RedemptionRecord::row).list();
    }

    /** In 公示 on {@code today} (its window not yet passed) or held by an objection. */
    List<RedemptionRecord> inNotice(LocalDate today) {
        return jdbc.sql("select " + RedemptionRecord.COLUMNS + """
                         from voucher_redemption r
                        where r.stage = 'notice' and (r.notice_until >= :today or exists (
                              select 1 from voucher_objection o where o.redemption_id = r.id and o.state = 'open'))
                        order by r.notice_from desc, r.id desc limit :n""")
                .param("today", today).param("n", Applications.LIST_LIMIT).query(RedemptionRecord::row).list();
    }

    List<RedemptionRecord> ofProgram(String programId) {
        return jdbc.sql("select " + RedemptionRecord.COLUMNS + """
                         from voucher_redemption r where r.program_id = :p
                        order by r.submitted_at desc, r.id desc limit :n""")
                .param("p", programId).param("n", Applications.LIST_LIMIT).query(RedemptionRecord::row).list();
    }

    List<String> invoiceNumbers(String id) {
        return invoices.of(id);
    }

    /** The events a decided redemption counted. */
    List<Counted> counted(String id) {
        return jdbc.sql("""
                        select usage_id, event_id, sku, category, amount_fen from voucher_redemption_usage
                        where redemption_id = :id order by usage_id""")
                .param("id", id)
                .query((rs, n) -> new Counted(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getLong(5)))
                .list();
    }

    public record Counted(long usageId, String eventId, String sku, String category, long amountFen) {
    }
}
