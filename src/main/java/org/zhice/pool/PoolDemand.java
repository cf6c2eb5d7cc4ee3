package org.zhice.pool;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * What an enterprise asked the pool for: {@code gpus} GPUs of {@code resourceName} for
 * {@code hours} hours inside {@code [startOn, endOn]}, or {@code millionTokens} of a model
 * service; {@code budgetFen} caps what it pays net of the voucher. {@code contractId} is set
 * once an offer was accepted.
 */
record PoolDemand(long id, String enterpriseUscc, String unit, String resourceName, Integer gpus, Integer hours,
                  BigDecimal millionTokens, LocalDate startOn, LocalDate endOn, String regionCode, boolean localOnly,
                  long budgetFen, String status, String createdBy, OffsetDateTime createdAt, String contractId) {

    static final String OPEN = "open";
    static final String CONTRACTED = "contracted";

    public boolean gpu() {
        return Offering.GPU_HOUR.equals(unit);
    }

    public boolean open() {
        return OPEN.equals(status);
    }

    /** In the unit of the offers: GPU-hours ({@code gpus × hours}) or millions of tokens. */
    public BigDecimal quantity() {
        return gpu() ? BigDecimal.valueOf((long) gpus * hours) : millionTokens;
    }

    long quantityMicros() {
        return quantity().movePointRight(6).longValueExact();
    }

    /** The demand as the matcher sees it, with the voucher ratios its enterprise would get. */
    Matcher.Demand forMatcher(java.util.Map<String, BigDecimal> voucherRatios) {
        return new Matcher.Demand(id, resourceName, unit, gpu() ? gpus : 0, quantityMicros(), regionCode, localOnly,
                budgetFen, voucherRatios);
    }
}
