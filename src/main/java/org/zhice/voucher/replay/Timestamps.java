package org.zhice.voucher.replay;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import org.zhice.rules.ShanghaiTime;

/**
 * ISO-8601 timestamps with an offset ({@code 2025-03-05T10:00:00+08:00}, {@code …Z}) and plain
 * dates. The usage hot path parses {@code YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)} from bytes
 * without allocating; any other spelling goes through {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME},
 * which decides what is valid.
 */
final class Timestamps {

    /** Returned by {@link #nanos} for text that is not a timestamp. */
    static final long INVALID = Long.MIN_VALUE;

    private static final int MIN_YEAR = 1678;
    private static final int MAX_YEAR = 2261;

    private Timestamps() {
    }

    /** Epoch nanoseconds of the timestamp in {@code bytes[offset, offset+length)}, or {@link #INVALID}. */
    static long nanos(byte[] b, int offset, int length) {
        long fast = fast(b, offset, length);
        if (fast != INVALID) {
            return fast;
        }
        Instant instant = instant(new String(b, offset, length, StandardCharsets.UTF_8));
        if (instant == null) {
            return INVALID;
        }
        try {
            return ShanghaiTime.nanos(instant);
        } catch (ArithmeticException e) {
            return INVALID;
        }
    }

    /** The instant of an ISO-8601 timestamp with offset, or {@code null}. */
    static Instant instant(String text) {
        try {
            Instant instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            int year = instant.atOffset(ShanghaiTime.OFFSET).getYear();
            return year < MIN_YEAR || year > MAX_YEAR ? null : instant;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A date {@code YYYY-MM-DD}, or {@code null}. */
    static LocalDate date(String text) {
        if (text.length() != 10) {
            return null;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static long fast(byte[] b, int o, int n) {
        if (n < 20 || b[o + 4] != '-' || b[o + 7] != '-' || b[o + 10] != 'T' || b[o + 13] != ':' || b[o + 16] != ':') {
            return INVALID;
        }
        int year = two(b, o) * 100 + two(b, o + 2);
        int month = two(b, o + 5);
        int day = two(b, o + 8);
        int hour = two(b, o + 11);
        int minute = two(b, o + 14);
        int second = two(b, o + 17);
        if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1 || day > monthLength(year, month)
                || hour > 23 || minute > 59 || second > 59) {
            return INVALID;
        }
        int p = o + 19;
        int end = o + n;
        long fraction = 0;
        if (b[p] == '.') {
            p++;
            int digitsRead = 0;
            while (p < end && b[p] >= '0' && b[p] <= '9') {
                if (++digitsRead > 9) {
                    return INVALID;
                }
                fraction = fraction * 10 + (b[p] - '0');
                p++;
            }
            if (digitsRead == 0) {
                return INVALID;
            }
            for (int i = digitsRead; i < 9; i++) {
                fraction *= 10;
            }
        }
        if (p >= end) {
            return INVALID;
        }
        int offsetSeconds;
        if (b[p] == 'Z' && p + 1 == end) {
            offsetSeconds = 0;
        } else if ((b[p] == '+' || b[p] == '-') && p + 6 == end && b[p + 3] == ':') {
            int offsetHours = two(b, p + 1);
            int offsetMinutes = two(b, p + 4);
            if (offsetHours < 0 || offsetHours > 17 || offsetMinutes < 0 || offsetMinutes > 59) {
                return INVALID;
            }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (b[p] == '-' ? -1 : 1);
        } else {
            return INVALID;
        }
        long epochSecond = epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        return epochSecond * 1_000_000_000L + fraction;
    }

    /** Two decimal digits, or a large negative number when either is not a digit. */
    private static int two(byte[] b, int offset) {
        int high = b[offset] - '0';
        int low = b[offset + 1] - '0';
        if ((high | low) < 0 || high > 9 || low > 9) {
            return -1_000_000;
        }
        return high * 10 + low;
    }

    private static int monthLength(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    private static long epochDay(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468;
    }
}
