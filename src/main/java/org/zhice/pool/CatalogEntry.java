package org.zhice.pool;

import java.time.LocalDate;

/**
 * A catalog row in the shape of spec §2 {@code catalog.csv}:
 * {@code provider_uscc,sku,category,unit,reference_price_fen,capacity,listed_from,listed_to};
 * {@code capacity} is {@code null} (an empty field) for token services.
 */
public record CatalogEntry(String providerUscc, String sku, String category, String unit, long referencePriceFen,
                           Integer capacity, LocalDate listedFrom, LocalDate listedTo) {

    public static final String CSV_HEADER =
            "provider_uscc,sku,category,unit,reference_price_fen,capacity,listed_from,listed_to";

    /** The row as a CSV line without its line end; no field here ever needs quoting. */
    public String csvLine() {
        return String.join(",", providerUscc, sku, category, unit, Long.toString(referencePriceFen),
                capacity == null ? "" : capacity.toString(), listedFrom.toString(), listedTo.toString());
    }
}
