package org.zhice.voucher;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;

/** Dates that decide money are in Asia/Shanghai. */
final class Clocks {

    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    private Clocks() {
    }

    static LocalDate today(Clock clock) {
        return LocalDate.ofInstant(clock.instant(), SHANGHAI);
    }

    static LocalDate dateOf(Instant instant) {
        return LocalDate.ofInstant(instant, SHANGHAI);
    }

    static LocalDate dateOf(OffsetDateTime at) {
        return at.atZoneSameInstant(SHANGHAI).toLocalDate();
    }

    static OffsetDateTime at(Instant instant) {
        return instant.atZone(SHANGHAI).toOffsetDateTime();
    }
}
