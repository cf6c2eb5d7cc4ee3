package org.zhice.rules;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.zhice.policy.Program;

/**
 * The rule engine of spec §3–5, run over a whole program year: the usage checks, then the
 * applications and redemptions decided together in {@code (submitted_at, id)} order against
 * one pool. Pure and deterministic: no I/O, no clock, no iteration over unordered collections
 * where it could reach the output.
 */
public final class RulesEngine {

    private RulesEngine() {
    }

    public static ReplayOutput replay(ReplayInput input) {
        Program program = input.program();
        Catalog catalog = new Catalog(input.catalog());
        Map<String, Contract> contracts = new LinkedHashMap<>();
        for (Contract contract : input.contracts()) {
            if (contracts.putIfAbsent(contract.id(), contract) != null) {
                throw new IllegalArgumentException("contract " + contract.id() + " given twice");
            }
        }
        UsageVerdicts usage = UsageVerdicts.check(program, contracts.values(), catalog, input.usage());
        Decisions decisions = new Decisions(program, catalog, contracts, input.orgs(), input.relations(), usage);
        List<Decision> decided = new ArrayList<>();
        for (Submission submission : decisionOrder(input.applications(), input.redemptions())) {
            decided.add(submission.application != null
                    ? decisions.decide(submission.application)
                    : decisions.decide(submission.redemption));
        }
        return new ReplayOutput(usage, decided, decisions.pool.budget());
    }

    /**
     * Applications and redemptions in decision order: by {@code submitted_at} as an instant, then
     * by id in code point order; an application before a redemption of the same instant and id,
     * then file order (so the order is total and never depends on the sort's stability).
     */
    static List<Submission> decisionOrder(List<Application> applications, List<Redemption> redemptions) {
        List<Submission> all = new ArrayList<>(applications.size() + redemptions.size());
        int index = 0;
        for (Application application : applications) {
            all.add(new Submission(application.submittedAt(), application.id(), 0, index++, application, null));
        }
        index = 0;
        for (Redemption redemption : redemptions) {
            all.add(new Submission(redemption.submittedAt(), redemption.id(), 1, index++, null, redemption));
        }
        all.sort(Comparator.comparing(Submission::submittedAt)
                .thenComparing(Submission::id, RulesEngine::compareCodePoints)
                .thenComparingInt(Submission::kind)
                .thenComparingInt(Submission::fileIndex));
        return all;
    }

    /** Compares strings by Unicode code point (the order of their UTF-8 bytes). */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    record Submission(Instant submittedAt, String id, int kind, int fileIndex,
                      Application application, Redemption redemption) {
    }

    /** The state decisions change: the pool, the vouchers, the contracts already vouchered. */
    private static final class Decisions {
        final Program program;
        final Catalog catalog;
        final Map<String, Contract> contracts;
        final Map<String, Org> orgs = new HashMap<>();
        final RelatedParties relations;
        final UsageVerdicts usage;
        final Pool pool;
        final Map<String, Voucher> vouchers = new HashMap<>();
        final Set<String> voucheredContracts = new HashSet<>();

        Decisions(Program program, Catalog catalog, Map<String, Contract> contracts, List<Org> orgs,
                  List<Relation> relations, UsageVerdicts usage) {
            this.program = program;
            this.catalog = catalog;
            this.contracts = contracts;
            for (Org org : orgs) {
                this.orgs.putIfAbsent(org.uscc(), org);
            }
            this.relations = new RelatedParties(relations);
            this.usage = usage;
            this.pool = new Pool(program.budgetFen(), program.perEnterpriseCapFen());
        }

        Decision decide(Application application) {
            ApplicationCase facts = ApplicationCase.of(program, application, orgs.get(application.enterpriseUscc()),
                    contracts.get(application.contractId()), catalog, relations,
                    voucheredContracts.contains(application.contractId()));
            List<DecisionReason> reasons = EligibilityRules.check(facts);
            if (!reasons.isEmpty()) {
                vouchers.put(application.id(), Voucher.none());
                return new Decision(Decision.Kind.APPLICATION, application.id(), Status.REJECTED, 0, reasons);
            }
            String enterprise = application.enterpriseUscc();
            long request = Reservation.request(program, facts.lines(), facts.startup());
            Reservation reservation = Reservation.compute(request, pool.capLeftFen(enterprise), pool.availableFen());
            if (reservation.status() == Status.REJECTED) {
                vouchers.put(application.id(), Voucher.none());
            } else {
                pool.reserve(enterprise, reservation.amountFen());
                voucheredContracts.add(application.contractId());
                vouchers.put(application.id(),
                        new Voucher(enterprise, application.contractId(), facts.startup(), reservation.amountFen()));
            }
            return new Decision(Decision.Kind.APPLICATION, application.id(), reservation.status(),
                    reservation.amountFen(), reservation.reasons());
        }

        Decision decide(Redemption redemption) {
            Voucher voucher = vouchers.get(redemption.applicationId());
            List<DecisionReason> refused = new ArrayList<>(2);
            if (voucher == null || !voucher.issued()) {
                refused.add(DecisionReason.NO_VOUCHER);
            }
            if (voucher != null && voucher.closed) {
                refused.add(DecisionReason.VOUCHER_CLOSED);
            }
            if (!refused.isEmpty()) {
                return new Decision(Decision.Kind.REDEMPTION, redemption.id(), Status.REJECTED, 0, refused);
            }
            Map<String, Long> amounts = usage.take(voucher.contractId, redemption.periodFrom(), redemption.periodTo());
            long raw = Subsidy.raw(program, amounts, voucher.startup);
            Subsidy subsidy = Subsidy.compute(raw, voucher.leftFen);
            pool.grant(subsidy.amountFen());
            voucher.leftFen -= subsidy.amountFen();
            if (redemption.last()) {
                pool.release(voucher.enterpriseUscc, voucher.leftFen);
                voucher.leftFen = 0;
                voucher.closed = true;
            }
            return new Decision(Decision.Kind.REDEMPTION, redemption.id(), subsidy.status(), subsidy.amountFen(),
                    subsidy.reasons());
        }
    }

    /** The voucher an application got (or not): its reservation and what is left of it. */
    private static final class Voucher {
        final String enterpriseUscc;
        final String contractId;
        final boolean startup;
        long leftFen;
        boolean closed;

        Voucher(String enterpriseUscc, String contractId, boolean startup, long reservationFen) {
            this.enterpriseUscc = enterpriseUscc;
            this.contractId = contractId;
            this.startup = startup;
            this.leftFen = reservationFen;
        }

        static Voucher none() {
            return new Voucher(null, null, false, 0);
        }

        boolean issued() {
            return contractId != null;
        }
    }
}
