package org.zhice.metering;

import java.time.Instant;

/**
 * A usage event that counts: accepted on arrival, not superseded by a correction, and not under
 * dispute (or the dispute was dismissed). {@code amountFen} is {@code round_half_up(quantity ×
 * price basis)} with the basis {@code min(unit price, reference price)} of spec §3 when the line is
 * listed (the voucher module recomputes it with its program's rules); {@code category} is that of
 * the catalog row in force on the contract's signing day, {@code null} when the line is not
 * listed. {@code countedBy} is the redemption that counted the event, or {@code null}.
 */
public record AcceptedUsage(long usageId, String eventId, String providerUscc, String contractId, String sku,
                            Instant start, Instant end, Integer units, long quantityMicros, long amountFen,
                            String category, String countedBy) {
}
