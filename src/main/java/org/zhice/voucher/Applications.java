package org.zhice.voucher;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.audit.AuditLog;
import org.zhice.identity.Role;
import org.zhice.ledger.TransferRequest;
import org.zhice.policy.Program;
import org.zhice.policy.ProgramCatalog;
import org.zhice.rules.Application;
import org.zhice.rules.DecisionReason;
import org.zhice.rules.PricedLine;
import org.zhice.rules.Reservation;
import org.zhice.rules.Status;

/**
 * 申领 online: an enterprise applies with one of its contracts; the eligibility rules of spec §5
 * run at once (an ineligible application is rejected there and then, with every reason); a
 * reviewer prepares an eligible one (recommends, with a note); a different user, an approver,
 * decides. Approval runs the rules again on the facts as they stand, computes the reservation
 * {@code min(request, cap − used_cap, available)} and holds it on the ledger as a pending
 * transfer out of the program's budget pool, in the same transaction as the decision.
 */
@Service
class Applications {

    /** A reviewer or approver turned the application down; not a code of the rules. */
    static final String REVIEW_REJECTED = "REVIEW_REJECTED";
    static final int LIST_LIMIT = 500;

    private final JdbcClient jdbc;
    private final ProgramFunds funds;
    private final Eligibility eligibility;
    private final VoucherAccounts accounts;
    private final Movements movements;
    private final AuditLog audit;
    private final Clock clock;

    Applications(JdbcClient jdbc, ProgramFunds funds, Eligibility eligibility, VoucherAccounts accounts,
                 Movements movements, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.funds = funds;
        this.eligibility = eligibility;
        this.accounts = accounts;
        this.movements = movements;
        this.audit = audit;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ apply

    @Transactional
    ApplicationRecord apply(Actor actor, String programId, String contractId) {
        return apply(actor, programId, contractId, clock.instant());
    }

    /** Files an application submitted at {@code at} and runs the eligibility rules at once. */
    @Transactional
    ApplicationRecord apply(Actor actor, String programId, String contractId, Instant at) {
        if (!actor.is(Role.ENTERPRISE)) {
            throw VoucherException.forbidden("voucher.error.enterpriseOnly");
        }
        ProgramCatalog.Version version = funds.program(programId);
        if (contractId == null || contractId.isBlank()) {
            throw VoucherException.invalid("contractId", "voucher.error.contract.required");
        }
        if (contractId.length() > 64) {
            throw VoucherException.invalid("contractId", "voucher.error.contract.tooLong");
        }
        String enterprise = actor.orgUscc();
        OffsetDateTime submitted = Clocks.at(at);
        long number = jdbc.sql("select nextval('voucher_application_number')").query(Long.class).single();
        String id = "VA%04d-%06d".formatted(Clocks.dateOf(at).getYear(), number);
        Eligibility.Facts facts = eligibility.gather(version.program(),
                new Application(id, at, enterprise, contractId.strip()));
        String source = facts.contract() == null ? "none" : facts.contract().source().name().toLowerCase();
        String reasons = DecisionReason.join(facts.reasons());
        boolean eligible = facts.eligible();
        jdbc.sql("""
                        insert into voucher_application (id, program_id, program_version, enterprise_uscc, contract_id,
                            provider_uscc, contract_source, submitted_at, submitted_by, stage, status, eligibility_reasons, request_fen,
                            decided_by, decided_at, reasons)
                        values (:id, :program, :version, :e, :c, :provider, :source, :at, :by, :stage, :status, :eligibility,
                            :request, :decidedBy, :decidedAt, :reasons)""")
                .param("id", id).param("program", programId).param("version", version.version())
                .param("e", enterprise).param("c", contractId.strip()).param("source", source)
                .param("provider", facts.contract() == null ? null : facts.contract().contract().providerUscc())
                .param("at", submitted).param("by", actor.username())
                .param("stage", eligible ? "pending" : "decided").param("status", eligible ? null : "rejected")
                .param("eligibility", reasons).param("request", facts.requestFen())
                .param("decidedBy", eligible ? null : Actor.RULES).param("decidedAt", eligible ? null : submitted)
                .param("reasons", reasons)
                .update();
        audit.recordAs(actor.username(), "voucher.application.submit", "voucher_application", id,
                programId + " " + contractId + (eligible ? " eligible, request " + facts.requestFen() + " fen"
                        : " rejected: " + reasons)
                        + facts.relatedPath().map(p -> "; related: " + p.describe()).orElse(""));
        return find(id).orElseThrow();
    }

    // ------------------------------------------------------------------ review

    @Transactional
    ApplicationRecord prepare(Actor actor, String id, String recommendation, String note) {
        return prepare(actor, id, recommendation, note, clock.instant());
    }

    /** 初审: a reviewer recommends approving or rejecting, with a note. */
    @Transactional
    ApplicationRecord prepare(Actor actor, String id, String recommendation, String note, Instant at) {
        if (!actor.is(Role.REVIEWER) && !actor.is(Role.APPROVER)) {
            throw VoucherException.forbidden("voucher.error.reviewerOnly");
        }
        String choice = Review.recommendation(recommendation);
        String text = Review.note(note, "reject".equals(choice));
        ApplicationRecord application = lock(id);
        if (!"pending".equals(application.stage())) {
            throw VoucherException.conflict("voucher.error.notPending", id);
        }
        jdbc.sql("""
                        update voucher_application set stage = 'prepared', recommendation = :r, prepared_by = :by,
                            prepared_at = :at, prepare_note = :note where id = :id""")
                .param("r", choice).param("by", actor.username()).param("at", Clocks.at(at)).param("note", text)
                .param("id", id)
                .update();
        audit.recordAs(actor.username(), "voucher.application.prepare", "voucher_application", id,
                choice + (text == null ? "" : ": " + text));
        return find(id).orElseThrow();
    }

    @Transactional
    ApplicationRecord decide(Actor actor, String id, boolean approve, String note) {
        return decide(actor, id, approve, note, clock.instant());
    }

    /**
     * 审批: an approver other than the one who prepared decides. Approving runs the rules on the
     * facts as they stand and reserves on the ledger; the status may then be approved, partial
     * or rejected (spec §5 codes).
     */
    @Transactional
    ApplicationRecord decide(Actor actor, String id, boolean approve, String note, Instant at) {
        if (!actor.is(Role.APPROVER)) {
            throw VoucherException.forbidden("voucher.error.approverOnly");
        }
        String text = Review.note(note, !approve);
        ApplicationRecord peek = find(id).orElseThrow(() -> VoucherException.notFound("voucher.error.application.notFound", id));
        ProgramCatalog.Version version = funds.lock(peek.programId());
        ApplicationRecord application = lock(id);
        if (!"prepared".equals(application.stage())) {
            throw VoucherException.conflict("voucher.error.notPrepared", id);
        }
        if (actor.username().equals(application.preparedBy())) {
            throw VoucherException.conflict("voucher.error.makerChecker", application.preparedBy());
        }
        funds.fund(version);
        OffsetDateTime decidedAt = Clocks.at(at);
        LocalDate valueDate = Clocks.dateOf(at);
        if (!approve) {
            audit.recordAs(actor.username(), "voucher.application.decide", "voucher_application", id,
                    "rejected by review: " + text);
            record(id, version.version(), "rejected", REVIEW_REJECTED, 0, actor, decidedAt, text, null);
            return find(id).orElseThrow();
        }
        Program program = version.program();
        Eligibility.Facts facts = eligibility.gather(program, new Application(id, application.submittedAt().toInstant(),
                application.enterpriseUscc(), application.contractId()));
        if (!facts.eligible()) {
            String reasons = DecisionReason.join(facts.reasons());
            audit.recordAs(actor.username(), "voucher.application.decide", "voucher_application", id,
                    "rejected by the rules: " + reasons);
            record(id, version.version(), "rejected", reasons, 0, actor, decidedAt, text, null);
            return find(id).orElseThrow();
        }
        String enterprise = application.enterpriseUscc();
        long capLeft = program.perEnterpriseCapFen() - usedCapFen(program.id(), enterprise);
        long available = accounts.availableFen(program.id());
        Reservation reservation = Reservation.compute(facts.requestFen(), capLeft, available);
        String reasons = DecisionReason.join(reservation.reasons());
        audit.recordAs(actor.username(), "voucher.application.decide", "voucher_application", id,
                reservation.status().code() + " " + reservation.amountFen() + " fen of " + facts.requestFen()
                        + " requested (cap left " + capLeft + ", available " + available + ")"
                        + (reasons.isEmpty() ? "" : " " + reasons));
        if (reservation.status() == Status.REJECTED) {
            record(id, version.version(), "rejected", reasons, 0, actor, decidedAt, text, null);
            return find(id).orElseThrow();
        }
        String payee = program.redemptionMode() == Program.RedemptionMode.PROVIDER_DEDUCTS
                ? facts.contract().contract().providerUscc() : enterprise;
        accounts.openEnterprise(program.id(), enterprise, payee);
        java.util.UUID pending = VoucherAccounts.transferId("reserve", id);
        accounts.post(List.of(TransferRequest.pending(pending, VoucherAccounts.budgetPool(program.id()),
                        VoucherAccounts.reserved(program.id(), enterprise), reservation.amountFen(), "RESERVE",
                        "voucher.application", id)
                .withValueDate(valueDate)));
        try {
            record(id, version.version(), reservation.status().code(), reasons, reservation.amountFen(), actor,
                    decidedAt, text, pending);
        } catch (org.springframework.dao.DuplicateKeyException e) {
            // another program's approver vouchered the contract at the same moment (each held only its
            // own program's lock): the unique index keeps one voucher; this decision is rolled back whole
            if (e.getMessage() == null || !e.getMessage().contains(ONE_VOUCHER_INDEX)) {
                throw e;
            }
            throw VoucherException.conflict("voucher.error.contractVoucheredMeanwhile", application.contractId());
        }
        String region = facts.enterprise() == null ? null : facts.enterprise().regionCode();
        movements.record(program.id(), valueDate, Movements.Kind.RESERVE, enterprise, region,
                Movements.fill(reservation.amountFen(), requestByCategory(program, facts)), id);
        return find(id).orElseThrow();
    }

    /** The unique index that holds a contract to one voucher on the platform (V7). */
    static final String ONE_VOUCHER_INDEX = "voucher_application_one_voucher";

    private void record(String id, int version, String status, String reasons, long reservationFen, Actor actor,
                        OffsetDateTime at, String note, java.util.UUID pending) {
        jdbc.sql("""
                        update voucher_application set stage = 'decided', status = :status, reasons = :reasons,
                            program_version = :version, reservation_fen = :fen, left_fen = :fen,
                            pending_transfer_id = :pending, decided_by = :by, decided_at = :at, decision_note = :note
                        where id = :id""")
                .param("status", status).param("reasons", reasons).param("version", version)
                .param("fen", reservationFen).param("pending", pending).param("by", actor.username()).param("at", at)
                .param("note", note).param("id", id)
                .update();
    }

    /** Per covered category, in the program's order: {@code Σ floor(ratio × line value)} of its lines. */
    static Map<String, Long> requestByCategory(Program program, Eligibility.Facts facts) {
        Map<String, Long> shares = new LinkedHashMap<>();
        boolean startup = facts.applicationCase().startup();
        for (String category : program.categories().keySet()) {
            long sum = 0;
            for (PricedLine line : facts.lines()) {
                if (category.equals(line.category())) {
                    sum += Reservation.request(program, List.of(line), startup);
                }
            }
            if (sum > 0) {
                shares.put(category, sum);
            }
        }
        return shares;
    }

    /** {@code used_cap}: the enterprise's outstanding reservations and granted subsidies in the program. */
    long usedCapFen(String programId, String enterpriseUscc) {
        return jdbc.sql("""
                        select coalesce(sum(left_fen + granted_fen), 0) from voucher_application
                        where program_id = :p and enterprise_uscc = :e and status in ('approved', 'partial')""")
                .param("p", programId).param("e", enterpriseUscc).query(Long.class).single();
    }

    // ------------------------------------------------------------------ reading

    Optional<ApplicationRecord> find(String id) {
        return jdbc.sql("select " + ApplicationRecord.COLUMNS + " from voucher_application where id = :id")
                .param("id", id).query(ApplicationRecord::row).optional();
    }

    /** The application when {@code actor} may see it: its own enterprise, the contract's provider, or staff. */
    Optional<ApplicationRecord> visible(Actor actor, String id, ContractFacts contracts) {
        return find(id).filter(a -> actor.maySee(a.enterpriseUscc())
                || (actor.is(Role.PROVIDER) && contracts.find(a.contractId())
                .map(f -> f.contract().providerUscc().equals(actor.orgUscc())).orElse(false)));
    }

    ApplicationRecord lock(String id) {
        return jdbc.sql("select " + ApplicationRecord.COLUMNS + " from voucher_application where id = :id for update")
                .param("id", id).query(ApplicationRecord::row).optional()
                .orElseThrow(() -> VoucherException.notFound("voucher.error.application.notFound", id));
    }

    List<ApplicationRecord> ofEnterprise(String enterpriseUscc) {
        return jdbc.sql("select " + ApplicationRecord.COLUMNS
                        + " from voucher_application where enterprise_uscc = :e order by submitted_at desc, id desc limit :n")
                .param("e", enterpriseUscc).param("n", LIST_LIMIT).query(ApplicationRecord::row).list();
    }

    /** Vouchers on contracts this provider is party to (for provider-deducts redemptions). */
    List<ApplicationRecord> ofProvider(String providerUscc) {
        return jdbc.sql("select " + ApplicationRecord.COLUMNS + """
                         from voucher_application
                        where provider_uscc = :p and status in ('approved', 'partial')
                        order by submitted_at desc, id desc limit :n""")
                .param("p", providerUscc).param("n", LIST_LIMIT).query(ApplicationRecord::row).list();
    }

    /** The review queue: applications waiting for a reviewer or an approver, oldest first. */
    List<ApplicationRecord> queue() {
        return jdbc.sql("select " + ApplicationRecord.COLUMNS
                        + " from voucher_application where stage <> 'decided' order by submitted_at, id limit :n")
                .param("n", LIST_LIMIT).query(ApplicationRecord::row).list();
    }

    /** The latest applications of a program (office, auditor). */
    List<ApplicationRecord> ofProgram(String programId) {
        return jdbc.sql("select " + ApplicationRecord.COLUMNS
                        + " from voucher_application where program_id = :p order by submitted_at desc, id desc limit :n")
                .param("p", programId).param("n", LIST_LIMIT).query(ApplicationRecord::row).list();
    }

    /** Applications of the enterprise submitted in the {@code days} before {@code at}. */
    int recentCount(String enterpriseUscc, OffsetDateTime at, int days) {
        return jdbc.sql("""
                        select count(*) from voucher_application
                        where enterprise_uscc = :e and submitted_at > :from and submitted_at <= :at""")
                .param("e", enterpriseUscc).param("from", at.minusDays(days)).param("at", at)
                .query(Integer.class).single();
    }
}
