package org.zhice.metering;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One usage event for {@link Metering#ingest}, the fields of spec §2 {@code usage.ndjson}:
 * {@code units} is the GPUs used at once ({@code gpu_hour} SKUs; {@code null} otherwise),
 * {@code quantity} GPU-hours or millions of tokens (at most 6 decimals). {@code adjusts} names an
 * earlier event of the same provider that this one corrects (replaces), or is {@code null}; an
 * adjustment with quantity 0 withdraws the event it names.
 */
public record UsageLine(String eventId, String providerUscc, String contractId, String sku, Integer units,
                        BigDecimal quantity, Instant start, Instant end, String adjusts) {

    /** An event that corrects nothing. */
    public UsageLine(String eventId, String providerUscc, String contractId, String sku, Integer units,
                     BigDecimal quantity, Instant start, Instant end) {
        this(eventId, providerUscc, contractId, sku, units, quantity, start, end, null);
    }
}
