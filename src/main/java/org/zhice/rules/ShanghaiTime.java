package org.zhice.rules;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Dates of the rules are in Asia/Shanghai, a fixed +08:00 (no daylight saving since 1991). A
 * date {@code D} stands for {@code [D 00:00, D+1 00:00)} there. Usage instants are kept as
 * epoch nanoseconds (a long covers 1677–2262).
 */
public final class ShanghaiTime {

    public static final ZoneOffset OFFSET = ZoneOffset.ofHours(8);
    private static final long OFFSET_SECONDS = 8 * 3600;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long SECONDS_PER_DAY = 86_400;

    private ShanghaiTime() {
    }

    /** The date of an instant in +08:00. */
    public static LocalDate dateOf(Instant instant) {
        return LocalDate.ofEpochDay(epochDayOf(instant.getEpochSecond()));
    }

    /** The +08:00 epoch day of an instant given as epoch nanoseconds. */
    public static long epochDayOfNanos(long epochNanos) {
        return epochDayOf(Math.floorDiv(epochNanos, NANOS_PER_SECOND));
    }

    private static long epochDayOf(long epochSecond) {
        return Math.floorDiv(epochSecond + OFFSET_SECONDS, SECONDS_PER_DAY);
    }

    /**
     * {@code D 00:00 +08:00} as epoch nanoseconds; a date beyond what a long of nanoseconds holds
     * (before 1677, after 2262) gives {@link Long#MIN_VALUE} or {@link Long#MAX_VALUE}, which
     * compares with any usage instant just as the date would.
     */
    public static long startOfDayNanos(LocalDate date) {
        long seconds = date.toEpochDay() * SECONDS_PER_DAY - OFFSET_SECONDS;
        if (seconds > Long.MAX_VALUE / NANOS_PER_SECOND) {
            return Long.MAX_VALUE;
        }
        if (seconds < Long.MIN_VALUE / NANOS_PER_SECOND) {
            return Long.MIN_VALUE;
        }
        return seconds * NANOS_PER_SECOND;
    }

    /** An instant as epoch nanoseconds. @throws ArithmeticException outside 1677–2262 */
    public static long nanos(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), NANOS_PER_SECOND), instant.getNano());
    }
}
