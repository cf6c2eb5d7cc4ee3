package org.zhice.rules;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One listing of a provider's SKU in the catalog, valid on {@code [listedFrom, listedTo]}.
 *
 * @param capacity GPUs the provider can run at once, or {@link #NO_CAPACITY} when the row gives
 *                 none (token SKUs, or a GPU SKU without a limit)
 */
public record CatalogRow(String providerUscc, String sku, String category, Unit unit,
                         long referencePriceFen, long capacity, LocalDate listedFrom, LocalDate listedTo) {

    public static final long NO_CAPACITY = -1;

    public CatalogRow {
        Objects.requireNonNull(providerUscc, "providerUscc");
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(listedFrom, "listedFrom");
        Objects.requireNonNull(listedTo, "listedTo");
        if (referencePriceFen < 0 || capacity < NO_CAPACITY) {
            throw new IllegalArgumentException("negative price or capacity: " + providerUscc + "/" + sku);
        }
    }

    public boolean listedOn(LocalDate date) {
        return !date.isBefore(listedFrom) && !date.isAfter(listedTo);
    }

    public boolean hasCapacity() {
        return capacity != NO_CAPACITY;
    }

    /** Whether the two rows' listing dates share a day. */
    public boolean overlaps(CatalogRow other) {
        return !listedTo.isBefore(other.listedFrom) && !other.listedTo.isBefore(listedFrom);
    }
}
