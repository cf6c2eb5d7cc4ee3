package org.zhice.rules;

import java.util.List;
import java.util.Objects;

import org.zhice.policy.Program;

/** Everything a replay decides from (spec §2), already parsed and validated. */
public record ReplayInput(Program program, List<Org> orgs, List<Relation> relations, List<CatalogRow> catalog,
                          List<Contract> contracts, UsageLog usage, List<Application> applications,
                          List<Redemption> redemptions) {
    public ReplayInput {
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(usage, "usage");
        orgs = List.copyOf(orgs);
        relations = List.copyOf(relations);
        catalog = List.copyOf(catalog);
        contracts = List.copyOf(contracts);
        applications = List.copyOf(applications);
        redemptions = List.copyOf(redemptions);
    }
}
