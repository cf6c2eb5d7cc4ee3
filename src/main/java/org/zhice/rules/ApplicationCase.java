package org.zhice.rules;

import java.util.List;
import java.util.Objects;

import org.zhice.policy.Program;

/**
 * What the eligibility rules look at for one application: the facts as they stand when it is
 * decided. Built the same way by the replay and, online, by the voucher module from live state.
 *
 * @param enterprise              the applicant's registry record when it is a known enterprise,
 *                                else {@code null}
 * @param contract                the contract named by the application, or {@code null} when
 *                                there is none by that id (it may belong to someone else)
 * @param lines                   the contract's lines priced against the catalog (empty without
 *                                a contract)
 * @param related                 whether the applicant and the contract's provider are related
 *                                parties (false without a contract)
 * @param contractAlreadyVouchered whether the contract already has an approved or partial
 *                                application
 */
public record ApplicationCase(Program program, Application application, Org enterprise, Contract contract,
                              List<PricedLine> lines, boolean related, boolean contractAlreadyVouchered) {

    public ApplicationCase {
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(application, "application");
        lines = List.copyOf(lines);
        if (contract == null && !lines.isEmpty()) {
            throw new IllegalArgumentException("lines without a contract");
        }
    }

    /**
     * Gathers the facts: looks the contract's lines up in the catalog and the parties in the
     * relations graph.
     */
    public static ApplicationCase of(Program program, Application application, Org org, Contract contract,
                                     Catalog catalog, RelatedParties relations, boolean contractAlreadyVouchered) {
        Org enterprise = org != null && org.isEnterprise() ? org : null;
        List<PricedLine> lines = contract == null ? List.of()
                : contract.lines().stream().map(line -> PricedLine.of(contract, line, catalog, program)).toList();
        boolean related = contract != null && relations.related(application.enterpriseUscc(), contract.providerUscc());
        return new ApplicationCase(program, application, enterprise, contract, lines, related, contractAlreadyVouchered);
    }

    /** Whether the applicant is a start-up (for {@code startup_categories}). */
    public boolean startup() {
        return enterprise != null && enterprise.startup();
    }
}
