package org.zhice.voucher;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.audit.AuditLog;
import org.zhice.identity.Role;

/**
 * The working-day calendar of 公示. Monday to Friday are working days and weekends rest days,
 * unless the calendar says otherwise for a date: public holidays (rest) and the weekends worked
 * in exchange (调休, working). The program office edits it; 2025 and 2026 come seeded.
 */
@Service
public class WorkingDays {

    /** A notice longer than this many working days is a mistake in the program, not a calendar. */
    static final int MAX_DAYS = 60;

    public record Override(LocalDate day, boolean working, String note, String updatedBy) {
    }

    private final JdbcClient jdbc;
    private final AuditLog audit;

    WorkingDays(JdbcClient jdbc, AuditLog audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    boolean working(LocalDate day) {
        return overrides(day, day).getOrDefault(day, defaultWorking(day));
    }

    static boolean defaultWorking(LocalDate day) {
        return day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY;
    }

    /**
     * The last day of a notice published on {@code published}: the {@code days}-th working day
     * after it (the day of publication does not count). With 0 days, the day itself.
     */
    LocalDate noticeEnds(LocalDate published, int days) {
        if (days <= 0) {
            return published;
        }
        if (days > MAX_DAYS) {
            throw new IllegalArgumentException("a notice of " + days + " working days");
        }
        Map<LocalDate, Boolean> overrides = overrides(published, published.plusDays(days * 3L + 40));
        LocalDate day = published;
        int counted = 0;
        while (counted < days) {
            day = day.plusDays(1);
            if (overrides.getOrDefault(day, defaultWorking(day))) {
                counted++;
            }
        }
        return day;
    }

    /** Working days from {@code from} (exclusive) to {@code to} (inclusive); 0 when {@code to} is not after it. */
    int between(LocalDate from, LocalDate to) {
        if (!to.isAfter(from)) {
            return 0;
        }
        Map<LocalDate, Boolean> overrides = overrides(from, to);
        int count = 0;
        for (LocalDate day = from.plusDays(1); !day.isAfter(to); day = day.plusDays(1)) {
            if (overrides.getOrDefault(day, defaultWorking(day))) {
                count++;
            }
        }
        return count;
    }

    Map<LocalDate, Boolean> overrides(LocalDate from, LocalDate to) {
        Map<LocalDate, Boolean> map = new HashMap<>();
        jdbc.sql("select day, working from voucher_calendar_day where day between :from and :to")
                .param("from", from).param("to", to)
                .query(rs -> {
                    map.put(rs.getObject(1, LocalDate.class), rs.getBoolean(2));
                });
        return map;
    }

    /** The overrides of a year, by date. */
    List<Override> year(int year) {
        return jdbc.sql("""
                        select day, working, note, updated_by from voucher_calendar_day
                        where day between :from and :to order by day""")
                .param("from", LocalDate.of(year, 1, 1)).param("to", LocalDate.of(year, 12, 31))
                .query((rs, n) -> new Override(rs.getObject(1, LocalDate.class), rs.getBoolean(2), rs.getString(3),
                        rs.getString(4)))
                .list();
    }

    /** Sets a date's kind; setting it to what the weekday gives anyway removes the override. */
    @Transactional
    void set(Actor actor, LocalDate day, boolean working, String note, OffsetDateTime at) {
        if (!actor.is(Role.PROGRAM_OFFICE)) {
            throw VoucherException.forbidden("voucher.error.officeOnly");
        }
        if (day == null) {
            throw VoucherException.invalid("day", "voucher.calendar.day.required");
        }
        String text = note == null || note.isBlank() ? null : note.strip();
        if (text != null && text.length() > 100) {
            throw VoucherException.invalid("note", "voucher.calendar.note.tooLong", 100);
        }
        if (working == defaultWorking(day) && text == null) {
            jdbc.sql("delete from voucher_calendar_day where day = :d").param("d", day).update();
        } else {
            jdbc.sql("""
                            insert into voucher_calendar_day (day, working, note, updated_by, updated_at)
                            values (:d, :w, :n, :by, :at)
                            on conflict (day) do update set working = excluded.working, note = excluded.note,
                                updated_by = excluded.updated_by, updated_at = excluded.updated_at""")
                    .param("d", day).param("w", working).param("n", text).param("by", actor.username()).param("at", at)
                    .update();
        }
        audit.recordAs(actor.username(), "voucher.calendar.set", "voucher_calendar_day", day.toString(),
                (working ? "working" : "rest") + (text == null ? "" : " " + text));
    }
}
