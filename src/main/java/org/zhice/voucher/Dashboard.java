package org.zhice.voucher;

import java.time.Clock;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.zhice.policy.Program;
import org.zhice.policy.ProgramCatalog;
import org.zhice.registry.Registry;

/**
 * The program office's figures of a program: available / reserved / granted / paid week by week,
 * by district and by category, and when the pool runs out at the current pace. The pace is a
 * straight line through the money committed (reserved + granted) over the last
 * {@value #PACE_WEEKS} weeks of the series; the forecast is the day on which what is still
 * available would be committed at that pace.
 */
@Service
public class Dashboard {

    static final int PACE_WEEKS = 8;

    /** Totals now; the series are in fen, one point per week (the last point is the as-of day). */
    public record Figures(String programId, String programName, LocalDate asOf, long budgetFen, long availableFen,
                   long reservedFen, long grantedFen, long paidFen, long clawedBackFen, long offsetFen,
                   long ledgerAvailableFen, List<LocalDate> days, List<Long> available, List<Long> reserved,
                   List<Long> granted, List<Long> paid, List<District> districts, List<Category> categories,
                   Forecast forecast) {
    }

    public record District(String code, String name, long reservedFen, long grantedFen, long paidFen) {
    }

    /** {@code reservedFen}: reservations as approved, split by the categories of their requests. */
    public record Category(String category, String name, long reservedFen, long grantedFen) {
    }

    /**
     * @param committedPerWeekFen the pace: money committed per week over the last weeks
     * @param runsOutOn           the day the pool runs out at that pace, or {@code null} when
     *                            nothing is being committed, nothing is left, or it would be after
     *                            applications close
     * @param windowEnd           the last day of the application window: nothing is committed after it
     * @param windowClosed        applications have closed (the as-of day is after {@code windowEnd})
     * @param leftAtWindowEndFen  what is left uncommitted when applications close, at the pace
     *                            (or as it stands, once they have closed); {@code available} when
     *                            nothing is being committed
     */
    public record Forecast(int weeks, long committedPerWeekFen, LocalDate runsOutOn, boolean exhausted,
                           LocalDate windowEnd, boolean windowClosed, long leftAtWindowEndFen) {
    }

    private final JdbcClient jdbc;
    private final ProgramCatalog programs;
    private final ProgramFunds funds;
    private final VoucherAccounts accounts;
    private final Registry registry;
    private final org.springframework.context.MessageSource messages;
    private final Clock clock;

    Dashboard(JdbcClient jdbc, ProgramCatalog programs, ProgramFunds funds, VoucherAccounts accounts,
              Registry registry, org.springframework.context.MessageSource messages, Clock clock) {
        this.messages = messages;
        this.jdbc = jdbc;
        this.programs = programs;
        this.funds = funds;
        this.accounts = accounts;
        this.registry = registry;
        this.clock = clock;
    }

    private record Movement(LocalDate day, String kind, String region, String category, long amountFen) {
    }

    Figures figures(String programId, Locale locale) {
        ProgramCatalog.Version version = programs.current(programId)
                .orElseThrow(() -> VoucherException.notFound("voucher.error.program.unknown", programId));
        Program program = version.program();
        List<Movement> moves = jdbc.sql("""
                        select value_date, kind, region_code, category, amount_fen from voucher_movement
                        where program_id = :p order by value_date, id""")
                .param("p", programId)
                .query((rs, n) -> new Movement(rs.getObject(1, LocalDate.class), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getLong(5)))
                .list();
        long appropriated = funds.appropriatedFen(programId);
        long budget = appropriated > 0 ? appropriated : program.budgetFen();
        LocalDate today = Clocks.today(clock);
        LocalDate start = program.period().start();
        LocalDate last = moves.isEmpty() ? start : moves.get(moves.size() - 1).day();
        LocalDate end = today.isBefore(program.period().end()) ? today : program.period().end();
        if (last.isAfter(end)) {
            end = last;
        }
        if (end.isBefore(start)) {
            end = start;
        }
        List<LocalDate> days = new ArrayList<>();
        for (LocalDate d = start; d.isBefore(end); d = d.plusWeeks(1)) {
            days.add(d);
        }
        days.add(end);
        long[] reserved = new long[days.size()];
        long[] granted = new long[days.size()];
        long[] paid = new long[days.size()];
        long totalReserved = 0;
        long totalGranted = 0;
        long totalPaid = 0;
        long clawedBack = 0;
        long offset = 0;
        Map<String, long[]> byRegion = new TreeMap<>();
        Map<String, long[]> byCategory = new LinkedHashMap<>();
        program.categories().keySet().forEach(c -> byCategory.put(c, new long[2]));
        int point = 0;
        for (Movement m : moves) {
            while (point < days.size() && m.day().isAfter(days.get(point))) {
                reserved[point] = totalReserved;
                granted[point] = totalGranted;
                paid[point] = totalPaid;
                point++;
            }
            long a = m.amountFen();
            long[] region = byRegion.computeIfAbsent(m.region() == null ? "" : m.region(), k -> new long[3]);
            switch (m.kind()) {
                case "reserve" -> {
                    totalReserved += a;
                    region[0] += a;
                    if (m.category() != null) {
                        byCategory.computeIfAbsent(m.category(), k -> new long[2])[0] += a;
                    }
                }
                case "release" -> {
                    totalReserved -= a;
                    region[0] -= a;
                }
                case "grant" -> {
                    totalReserved -= a;
                    totalGranted += a;
                    region[0] -= a;
                    region[1] += a;
                    if (m.category() != null) {
                        byCategory.computeIfAbsent(m.category(), k -> new long[2])[1] += a;
                    }
                }
                case "ungrant" -> {
                    totalGranted -= a;
                    region[1] -= a;
                    if (m.category() != null) {
                        byCategory.computeIfAbsent(m.category(), k -> new long[2])[1] -= a;
                    }
                }
                case "pay" -> {
                    totalPaid += a;
                    region[2] += a;
                }
                case "offset" -> offset += a;
                case "clawback" -> clawedBack += a;
                default -> throw new IllegalStateException("movement kind " + m.kind());
            }
        }
        for (; point < days.size(); point++) {
            reserved[point] = totalReserved;
            granted[point] = totalGranted;
            paid[point] = totalPaid;
        }
        List<Long> availableSeries = new ArrayList<>();
        for (int i = 0; i < days.size(); i++) {
            availableSeries.add(budget - reserved[i] - granted[i]);
        }
        List<District> districts = new ArrayList<>();
        byRegion.forEach((code, v) -> districts.add(new District(code,
                registry.regionName(code, locale).orElse(code.isEmpty() ? "—" : code), v[0], v[1], v[2])));
        List<Category> categories = new ArrayList<>();
        byCategory.forEach((c, v) -> categories.add(new Category(c,
                messages.getMessage("category." + c, null, c, locale), v[0], v[1])));
        long available = budget - totalReserved - totalGranted;
        Forecast forecast = forecast(days, reserved, granted, available, program.applicationWindow().end(), today);
        long ledgerAvailable = appropriated > 0 ? accounts.availableFen(programId) : budget;
        return new Figures(programId, program.name(), end, budget, available, totalReserved, totalGranted, totalPaid,
                clawedBack, offset, ledgerAvailable, days, availableSeries, list(reserved), list(granted), list(paid),
                districts, categories, forecast);
    }

    /**
     * When the pool runs out at the pace of the last {@value #PACE_WEEKS} weeks; bounded by the
     * application window, since nothing is committed after it closes: a program whose window has
     * closed, or whose pool would outlast it, is told what is left uncommitted instead.
     */
    static Forecast forecast(List<LocalDate> days, long[] reserved, long[] granted, long available,
                             LocalDate windowEnd, LocalDate today) {
        int n = days.size();
        if (available <= 0) {
            return new Forecast(PACE_WEEKS, 0, days.get(n - 1), true, windowEnd, today.isAfter(windowEnd), 0);
        }
        if (today.isAfter(windowEnd)) {
            return new Forecast(PACE_WEEKS, 0, null, false, windowEnd, true, available);
        }
        int from = Math.max(0, n - 1 - PACE_WEEKS);
        long span = ChronoUnit.DAYS.between(days.get(from), days.get(n - 1));
        long committed = (reserved[n - 1] + granted[n - 1]) - (reserved[from] + granted[from]);
        if (span <= 0 || committed <= 0) {
            return new Forecast(PACE_WEEKS, 0, null, false, windowEnd, false, available);
        }
        long perWeek = committed * 7 / span;
        // days until the pool is gone at committed/span a day, rounded up
        long daysLeft = (Math.multiplyExact(available, span) + committed - 1) / committed;
        LocalDate runsOut = days.get(n - 1).plusDays(daysLeft);
        if (!runsOut.isAfter(windowEnd)) {
            return new Forecast(PACE_WEEKS, perWeek, runsOut, false, windowEnd, false, 0);
        }
        long toWindowEnd = Math.max(0, ChronoUnit.DAYS.between(days.get(n - 1), windowEnd));
        long left = available - Math.multiplyExact(committed, toWindowEnd) / span;
        return new Forecast(PACE_WEEKS, perWeek, null, false, windowEnd, false, Math.max(0, left));
    }

    private static List<Long> list(long[] values) {
        List<Long> list = new ArrayList<>(values.length);
        for (long v : values) {
            list.add(v);
        }
        return list;
    }
}
