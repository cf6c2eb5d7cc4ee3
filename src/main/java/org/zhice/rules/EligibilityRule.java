package org.zhice.rules;

import java.util.Optional;

/**
 * One eligibility rule of an application (spec §5): the reason it rejects the application
 * for, or nothing. A rule that needs a record the case does not have (no enterprise, no
 * contract) has nothing to say.
 */
@FunctionalInterface
public interface EligibilityRule {

    Optional<DecisionReason> check(ApplicationCase application);

    /** A rule that rejects with {@code reason} when {@code applies} holds. */
    static EligibilityRule rejectWhen(DecisionReason reason, java.util.function.Predicate<ApplicationCase> applies) {
        return application -> applies.test(application) ? Optional.of(reason) : Optional.empty();
    }
}
