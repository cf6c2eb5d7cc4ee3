package org.zhice.voucher;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The accepted usage events of a contract, as metering holds them (spec §4: checked, not
 * disputed), and the mark that spends them. Redemptions read events here and mark the ones they
 * count inside their own transaction, so that a redemption and the events it spends commit
 * together; an event counts at most once.
 */
public interface MeteredUsage {

    /** Accepted, undisputed events of the contract, in {@code (start, eventId)} order. */
    List<Event> accepted(String contractId);

    /** Marks events as counted by a redemption; must run in the caller's transaction. */
    void markCounted(String redemptionId, Collection<Long> usageIds);

    /**
     * One accepted event. {@code countedBy} is the redemption that counted it, or {@code null}.
     * The amount is recomputed by the voucher module from the line's price basis for the program.
     */
    record Event(long usageId, String eventId, String providerUscc, String contractId, String sku, Instant start,
                 Instant end, long quantityMicros, String countedBy) {
    }
}
