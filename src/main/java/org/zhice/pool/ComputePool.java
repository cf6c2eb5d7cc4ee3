package org.zhice.pool;

import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.springframework.stereotype.Service;

/**
 * The pool's public facade for other modules (the voucher module above all): the catalog as the
 * rules read it (spec §2 {@code catalog.csv}, the row in force on a date per spec §3) and the
 * contracts signed on the platform (spec §2 {@code contracts.csv}).
 */
@Service
public class ComputePool {

    private final Offerings offerings;
    private final Contracts contracts;

    ComputePool(Offerings offerings, Contracts contracts) {
        this.offerings = offerings;
        this.contracts = contracts;
    }

    /**
     * The approved catalog row of {@code (provider, sku)} listed on {@code date}: it gives a
     * contract line signed that day its category, unit, reference price and capacity. Empty when
     * the SKU was not listed that day. Approved rows of one SKU never overlap, so there is at
     * most one.
     */
    public Optional<Offering> offeringInForce(String providerUscc, String sku, LocalDate date) {
        if (providerUscc == null || sku == null || date == null) {
            return Optional.empty();
        }
        return offerings.inForce(providerUscc, sku, date);
    }

    /** Every approved catalog row, past, present and future, as spec §2 {@code catalog.csv} rows. */
    public List<CatalogEntry> catalogRows() {
        return offerings.approved().stream().map(Offering::catalogEntry).toList();
    }

    /** A contract signed on the platform, with its lines. */
    public Optional<PoolContract> contract(String contractId) {
        return contractId == null ? Optional.empty() : contracts.contract(contractId);
    }

    /** The contracts signed on the platform among {@code contractIds}, in one query; unknown ids are left out. */
    public List<PoolContract> contracts(Collection<String> contractIds) {
        return contracts.withIds(contractIds.stream().filter(Objects::nonNull).toArray(String[]::new));
    }

    /** An enterprise's contracts signed on the platform, latest signed first. */
    public List<PoolContract> contractsOf(String enterpriseUscc) {
        return enterpriseUscc == null ? List.of() : contracts.ofEnterprise(enterpriseUscc);
    }
}
