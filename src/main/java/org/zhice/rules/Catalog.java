package org.zhice.rules;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog: per {@code (provider, sku)}, listings that never overlap, so at most one row is
 * listed on any date.
 */
public final class Catalog {

    private final Map<Key, List<CatalogRow>> rows = new HashMap<>();

    /** @throws IllegalArgumentException when two rows of one (provider, sku) overlap */
    public Catalog(Collection<CatalogRow> catalogRows) {
        for (CatalogRow row : catalogRows) {
            List<CatalogRow> listings = rows.computeIfAbsent(new Key(row.providerUscc(), row.sku()), k -> new ArrayList<>());
            for (CatalogRow other : listings) {
                if (other.overlaps(row)) {
                    throw new IllegalArgumentException("overlapping catalog rows for " + row.providerUscc() + "/" + row.sku());
                }
            }
            listings.add(row);
        }
        rows.values().forEach(list -> list.sort(Comparator.comparing(CatalogRow::listedFrom)));
    }

    /** The row of {@code (provider, sku)} listed on {@code date}, or {@code null}. */
    public CatalogRow listedOn(String providerUscc, String sku, LocalDate date) {
        for (CatalogRow row : rows(providerUscc, sku)) {
            if (row.listedOn(date)) {
                return row;
            }
        }
        return null;
    }

    /** All rows of {@code (provider, sku)}, by listing start. */
    public List<CatalogRow> rows(String providerUscc, String sku) {
        return rows.getOrDefault(new Key(providerUscc, sku), List.of());
    }

    private record Key(String providerUscc, String sku) {
    }
}
