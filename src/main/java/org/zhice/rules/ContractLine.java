package org.zhice.rules;

import java.util.Objects;

/**
 * One line of a contract: a SKU bought at {@code unitPriceFen} per unit, up to
 * {@code quantityMaxMicros} millionths of a unit.
 */
public record ContractLine(String sku, long unitPriceFen, long quantityMaxMicros) {
    public ContractLine {
        Objects.requireNonNull(sku, "sku");
        if (unitPriceFen < 0 || quantityMaxMicros < 0) {
            throw new IllegalArgumentException("negative price or quantity on line " + sku);
        }
    }
}
