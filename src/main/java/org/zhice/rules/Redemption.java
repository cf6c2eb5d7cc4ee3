package org.zhice.rules;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * 兑付: claims the subsidy on the usage of {@code [periodFrom, periodTo]} (dates of the events'
 * starts, +08:00); {@code last} ({@code final} in the files) releases what the voucher has left.
 */
public record Redemption(String id, Instant submittedAt, String applicationId,
                         LocalDate periodFrom, LocalDate periodTo, boolean last) {
    public Redemption {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(submittedAt, "submittedAt");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(periodFrom, "periodFrom");
        Objects.requireNonNull(periodTo, "periodTo");
    }
}
