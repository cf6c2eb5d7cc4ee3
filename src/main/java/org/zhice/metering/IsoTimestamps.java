package org.zhice.metering;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import org.zhice.rules.ShanghaiTime;

/**
 * ISO-8601 timestamps with an offset, as spec §2 writes {@code start} and {@code end}, to epoch
 * nanoseconds. {@code YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)} is parsed by hand; any other spelling
 * goes to {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME}, which decides what is valid. Years
 * (in +08:00) outside 1678–2261 do not fit a long of nanoseconds and are refused, as replay does.
 */
final class IsoTimestamps {

    /** Returned for text that is not a timestamp. */
    static final long INVALID = Long.MIN_VALUE;

    private static final int MIN_YEAR = 1678;
    private static final int MAX_YEAR = 2261;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private IsoTimestamps() {
    }

    static long nanos(String text) {
        long fast = fast(text);
        if (fast != INVALID) {
            return fast;
        }
        try {
            Instant instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            int year = instant.atOffset(ShanghaiTime.OFFSET).getYear();
            if (year < MIN_YEAR || year > MAX_YEAR) {
                return INVALID;
            }
            return ShanghaiTime.nanos(instant);
        } catch (DateTimeParseException | ArithmeticException e) {
            return INVALID;
        }
    }

    /** The common spelling parsed by hand, or {@link #INVALID} when it is not that (valid or not). */
    static long fast(CharSequence s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return INVALID;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < MIN_YEAR - 1 || year > MAX_YEAR + 1 || month < 1 || month > 12 || day < 1
                || day > daysIn(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59) {
            return INVALID;
        }
        int p = 19;
        long fraction = 0;
        if (s.charAt(p) == '.') {
            p++;
            int from = p;
            while (p < n && p - from < 9 && isDigit(s.charAt(p))) {
                fraction = fraction * 10 + (s.charAt(p) - '0');
                p++;
            }
            int count = p - from;
            if (count == 0) {
                return INVALID;
            }
            for (int k = count; k < 9; k++) {
                fraction *= 10;
            }
        }
        int offsetSeconds;
        if (p == n - 1 && s.charAt(p) == 'Z') {
            offsetSeconds = 0;
        } else if (p == n - 6 && (s.charAt(p) == '+' || s.charAt(p) == '-') && s.charAt(p + 3) == ':') {
            int oh = digits(s, p + 1, 2);
            int om = digits(s, p + 4, 2);
            if (oh < 0 || om < 0 || oh > 18 || om > 59 || (oh == 18 && om > 0)) {
                return INVALID;
            }
            offsetSeconds = (oh * 3600 + om * 60) * (s.charAt(p) == '-' ? -1 : 1);
        } else {
            return INVALID;
        }
        long epochSecond = epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        long shanghaiYear = year;
        if (year <= MIN_YEAR || year >= MAX_YEAR) {
            shanghaiYear = Instant.ofEpochSecond(epochSecond).atOffset(ShanghaiTime.OFFSET).getYear();
        }
        if (shanghaiYear < MIN_YEAR || shanghaiYear > MAX_YEAR) {
            return INVALID;
        }
        return epochSecond * NANOS_PER_SECOND + fraction;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The unsigned decimal of {@code count} digits at {@code from}, or -1. */
    private static int digits(CharSequence s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static int daysIn(int year, int month) {
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
