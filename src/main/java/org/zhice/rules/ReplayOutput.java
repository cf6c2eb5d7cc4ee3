package org.zhice.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * What a replay decided (spec §6): a verdict per usage event, the decisions in decision order
 * and the pool after the last one.
 */
public record ReplayOutput(UsageVerdicts usage, List<Decision> decisions, Pool.Budget budget) {

    public ReplayOutput {
        decisions = List.copyOf(decisions);
    }

    /** A rejected usage event: a line of {@code usage_rejections.csv}. */
    public record UsageRejection(String eventId, String providerUscc, UsageReason reason) {
    }

    /** The rejected events in file order (convenient for small logs; writers stream instead). */
    public List<UsageRejection> usageRejections() {
        List<UsageRejection> rejections = new ArrayList<>();
        UsageLog log = usage.log();
        for (int i = 0; i < log.size(); i++) {
            UsageReason reason = usage.reason(i);
            if (reason != null) {
                rejections.add(new UsageRejection(log.eventId(i), log.providerUscc(i), reason));
            }
        }
        return rejections;
    }
}
