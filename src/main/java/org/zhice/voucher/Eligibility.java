package org.zhice.voucher;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.zhice.policy.Program;
import org.zhice.registry.Organisation;
import org.zhice.registry.OrganisationKind;
import org.zhice.registry.Registry;
import org.zhice.registry.RelatedPath;
import org.zhice.rules.Application;
import org.zhice.rules.ApplicationCase;
import org.zhice.rules.Contract;
import org.zhice.rules.DecisionReason;
import org.zhice.rules.EligibilityRules;
import org.zhice.rules.Org;
import org.zhice.rules.PricedLine;
import org.zhice.rules.Reservation;

/**
 * Gathers the facts of an application from live state (registry, pool, uploads, earlier
 * vouchers) into the rules' {@link ApplicationCase} and runs the very rules the replay runs
 * ({@link EligibilityRules}, {@link Reservation#request}). The related-party question goes to
 * the registry's relation graph, which also gives the path to show.
 */
@Component
public class Eligibility {

    /** Related parties are those joined by a path of at most this many relations (spec §3). */
    static final int RELATED_EDGES = 2;

    /**
     * The facts and what the rules say of them.
     *
     * @param contract     the applicant's contract, or {@code null} when there is none by that id
     *                     (another enterprise's contract counts as none: it is not shown)
     * @param relatedPath  the path between applicant and provider when they are related
     * @param requestFen   {@code Σ floor(ratio × line value)} over covered lines
     */
    public record Facts(Program program, ApplicationCase applicationCase, ContractFacts.Found contract,
                 Organisation enterprise, List<DecisionReason> reasons, long requestFen,
                 Optional<RelatedPath> relatedPath) {

        public boolean eligible() {
            return reasons.isEmpty();
        }

        public List<PricedLine> lines() {
            return applicationCase.lines();
        }
    }

    private final Registry registry;
    private final ContractFacts contracts;
    private final JdbcClient jdbc;

    Eligibility(Registry registry, ContractFacts contracts, JdbcClient jdbc) {
        this.registry = registry;
        this.contracts = contracts;
        this.jdbc = jdbc;
    }

    Facts gather(Program program, Application application) {
        Organisation organisation = registry.organisation(application.enterpriseUscc()).orElse(null);
        Org org = organisation == null ? null : new Org(organisation.uscc(), organisation.name(),
                organisation.kind() == OrganisationKind.ENTERPRISE ? Org.Kind.ENTERPRISE : Org.Kind.PROVIDER,
                organisation.regionCode(), organisation.startup());
        ContractFacts.Found found = contracts.find(application.contractId())
                .filter(f -> f.contract().enterpriseUscc().equals(application.enterpriseUscc()))
                .orElse(null);
        Contract contract = found == null ? null : found.contract();
        List<PricedLine> lines = contract == null ? List.of() : contracts.priced(contract, program);
        Optional<RelatedPath> path = contract == null ? Optional.empty()
                : registry.relatedPath(application.enterpriseUscc(), contract.providerUscc(), RELATED_EDGES);
        boolean vouchered = contract != null && jdbc.sql("""
                        select exists (select 1 from voucher_application
                                       where contract_id = :c and status in ('approved', 'partial'))""")
                .param("c", contract.id()).query(Boolean.class).single();
        Org enterprise = org != null && org.isEnterprise() ? org : null;
        ApplicationCase facts = new ApplicationCase(program, application, enterprise, contract, lines, path.isPresent(),
                vouchered);
        List<DecisionReason> reasons = EligibilityRules.check(facts);
        long request = Reservation.request(program, lines, facts.startup());
        return new Facts(program, facts, found, organisation, reasons, request, path);
    }
}
