package org.zhice.rules;

import static org.zhice.rules.EligibilityRule.rejectWhen;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The eligibility rules of an application, one small named rule per reason (spec §5). An
 * application is rejected with every reason that applies. Rules needing a record the case
 * lacks are skipped: without an enterprise there is no jurisdiction check, without a contract
 * none of the contract checks.
 */
public final class EligibilityRules {

    public static final EligibilityRule ENTERPRISE_KNOWN = rejectWhen(DecisionReason.UNKNOWN_ENTERPRISE,
            c -> c.enterprise() == null);

    public static final EligibilityRule CONTRACT_KNOWN = rejectWhen(DecisionReason.UNKNOWN_CONTRACT,
            c -> c.contract() == null || !c.contract().enterpriseUscc().equals(c.application().enterpriseUscc()));

    public static final EligibilityRule IN_JURISDICTION = rejectWhen(DecisionReason.OUT_OF_JURISDICTION,
            c -> c.enterprise() != null && !c.enterprise().regionCode().startsWith(c.program().regionPrefix()));

    public static final EligibilityRule PROVIDER_LISTED = rejectWhen(DecisionReason.PROVIDER_NOT_LISTED,
            c -> c.contract() != null && c.lines().stream().anyMatch(line -> !line.listed()));

    public static final EligibilityRule NOT_RELATED = rejectWhen(DecisionReason.RELATED_PARTY,
            c -> c.contract() != null && c.program().excludeRelatedParties() && c.related());

    public static final EligibilityRule SIGNED_IN_PERIOD = rejectWhen(DecisionReason.SIGNED_OUTSIDE_PERIOD,
            c -> c.contract() != null && !c.program().period().contains(c.contract().signedOn()));

    public static final EligibilityRule TERM_WITHIN_MAX = rejectWhen(DecisionReason.CONTRACT_TERM_TOO_LONG,
            c -> c.contract() != null && c.contract().termDays() > c.program().contractTermDaysMax());

    public static final EligibilityRule SUBMITTED_IN_WINDOW = rejectWhen(DecisionReason.SUBMITTED_OUTSIDE_WINDOW,
            c -> {
                LocalDate submitted = ShanghaiTime.dateOf(c.application().submittedAt());
                return !c.program().applicationWindow().contains(submitted);
            });

    public static final EligibilityRule FIRST_VOUCHER_OF_CONTRACT = rejectWhen(DecisionReason.DUPLICATE_APPLICATION,
            ApplicationCase::contractAlreadyVouchered);

    public static final EligibilityRule CATEGORY_COVERED = rejectWhen(DecisionReason.CATEGORY_NOT_COVERED,
            c -> c.contract() != null && c.lines().stream().noneMatch(line -> c.program().covers(line.category())));

    /** Every rule of spec §5, each once. */
    public static final List<EligibilityRule> ALL = List.of(ENTERPRISE_KNOWN, CONTRACT_KNOWN, IN_JURISDICTION,
            PROVIDER_LISTED, NOT_RELATED, SIGNED_IN_PERIOD, TERM_WITHIN_MAX, SUBMITTED_IN_WINDOW,
            FIRST_VOUCHER_OF_CONTRACT, CATEGORY_COVERED);

    private EligibilityRules() {
    }

    /** Every reason that applies, sorted by code; empty when the application is eligible. */
    public static List<DecisionReason> check(ApplicationCase application) {
        List<DecisionReason> reasons = new ArrayList<>();
        for (EligibilityRule rule : ALL) {
            Optional<DecisionReason> reason = rule.check(application);
            reason.ifPresent(reasons::add);
        }
        reasons.sort(DecisionReason.BY_CODE);
        return List.copyOf(reasons);
    }
}
