package org.zhice.pool;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * One version of a provider's offering in the catalog. {@code capacity} is the GPUs the provider
 * can run at once, {@code null} for token services; {@code status} is {@code pending},
 * {@code approved} or {@code rejected}; only approved rows are ever in force.
 */
public record Offering(long id, String providerUscc, String sku, int version, String category, String resourceName,
                       boolean domestic, String unit, Integer capacity, String regionCode, long referencePriceFen,
                       LocalDate listedFrom, LocalDate listedTo, String status, Long supersedesId,
                       String submittedBy, OffsetDateTime submittedAt, String reviewedBy, OffsetDateTime reviewedAt,
                       String rejectReason) {

    public static final String GPU_HOUR = "gpu_hour";
    public static final String MILLION_TOKENS = "million_tokens";
    public static final List<String> UNITS = List.of(GPU_HOUR, MILLION_TOKENS);
    /** The program's categories (spec §1), in the order pages show them. */
    public static final List<String> CATEGORIES = List.of("compute.domestic", "compute.other", "model.filed");

    public static final String PENDING = "pending";
    public static final String APPROVED = "approved";
    public static final String REJECTED = "rejected";

    public boolean gpu() {
        return GPU_HOUR.equals(unit);
    }

    public boolean approved() {
        return APPROVED.equals(status);
    }

    public boolean pending() {
        return PENDING.equals(status);
    }

    /** Approved and listed on {@code date}. */
    public boolean inForceOn(LocalDate date) {
        return approved() && !date.isBefore(listedFrom) && !date.isAfter(listedTo);
    }

    /** This row as a line of spec §2 {@code catalog.csv}. */
    public CatalogEntry catalogEntry() {
        return new CatalogEntry(providerUscc, sku, category, unit, referencePriceFen, capacity, listedFrom, listedTo);
    }
}
