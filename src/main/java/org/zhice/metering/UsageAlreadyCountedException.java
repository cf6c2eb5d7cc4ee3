package org.zhice.metering;

import java.util.List;

/**
 * {@link Metering#markCounted} refused: some events are counted already, unknown, rejected,
 * superseded or under dispute. Nothing was marked.
 */
public class UsageAlreadyCountedException extends RuntimeException {

    private final List<Long> usageIds;

    public UsageAlreadyCountedException(String redemptionId, List<Long> usageIds) {
        super("redemption " + redemptionId + " cannot count usage " + usageIds
                + ": counted already, unknown, not accepted or under dispute");
        this.usageIds = List.copyOf(usageIds);
    }

    /** The events that cannot be counted. */
    public List<Long> usageIds() {
        return usageIds;
    }
}
