package org.zhice.pool;

import java.time.LocalDate;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Catalog rows that were in force before the platform listed them itself: a past program year
 * loaded for the demo, or listings migrated from a city's earlier catalog. Each is stored as an
 * approved version of its SKU as given (the checks that depend on today do not apply); listings
 * of one SKU still never overlap (the database refuses it).
 */
@Service
public class PoolHistory {

    private final Offerings offerings;
    private final JdbcClient jdbc;

    PoolHistory(Offerings offerings, JdbcClient jdbc) {
        this.offerings = offerings;
        this.jdbc = jdbc;
    }

    /**
     * Lists {@code (provider, sku)} as approved on {@code [from, to]}; returns the row.
     *
     * @param capacity GPUs at once for a {@code gpu_hour} SKU, {@code null} for token services
     */
    @Transactional
    public Offering listPast(String providerUscc, String sku, String category, String resourceName, boolean domestic,
                             String unit, Integer capacity, String regionCode, long referencePriceFen, LocalDate from,
                             LocalDate to, String actor) {
        int version = jdbc.sql("select coalesce(max(version), 0) + 1 from pool_offering where provider_uscc = :p and sku = :s")
                .param("p", providerUscc).param("s", sku).query(Integer.class).single();
        return offerings.insertApproved(providerUscc, new Offerings.Draft(sku, category, resourceName, domestic, unit,
                capacity, regionCode, referencePriceFen, from, to), version, null, actor);
    }
}
