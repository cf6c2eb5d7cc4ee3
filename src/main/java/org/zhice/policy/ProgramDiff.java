package org.zhice.policy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What changed between two versions of a program: the rule values that differ (what a reader
 * of the policy cares about) and a line diff of the YAML text (what an auditor checks).
 */
final class ProgramDiff {

    /** Beyond this many lines between the common head and tail, the line diff gives up on alignment. */
    private static final int MAX_ALIGNED_LINES = 2_000;

    private ProgramDiff() {
    }

    /**
     * One changed value. {@code kind} tells the page how to show it: {@code fen}, {@code ratio},
     * {@code bool}, {@code mode} or {@code text}; a value is {@code null} where it is absent.
     *
     * @param field   a message key naming the value ({@code program.field.*})
     * @param subject the category or target the value belongs to, or {@code null}
     */
    record Change(String field, String subject, String kind, Object before, Object after) {
    }

    /** One line of a unified diff: {@code op} is {@code " "}, {@code "-"} or {@code "+"}. */
    record Line(String op, String text) {
    }

    static List<Change> changes(Program a, Program b) {
        List<Change> changes = new ArrayList<>();
        add(changes, "program.field.name", null, "text", a.name(), b.name());
        add(changes, "program.field.funder", null, "text", a.funder(), b.funder());
        add(changes, "program.field.region", null, "text", a.regionPrefix(), b.regionPrefix());
        add(changes, "program.field.period", null, "text", range(a.period()), range(b.period()));
        add(changes, "program.field.window", null, "text", range(a.applicationWindow()), range(b.applicationWindow()));
        add(changes, "program.field.budget", null, "fen", a.budgetFen(), b.budgetFen());
        add(changes, "program.field.cap", null, "fen", a.perEnterpriseCapFen(), b.perEnterpriseCapFen());
        Set<String> categories = new LinkedHashSet<>(a.categories().keySet());
        categories.addAll(b.categories().keySet());
        for (String c : categories) {
            add(changes, "program.field.ratio", c, "ratio", a.categories().get(c), b.categories().get(c));
            add(changes, "program.field.startup.ratio", c, "ratio", a.startupCategories().get(c),
                    b.startupCategories().get(c));
        }
        add(changes, "program.field.term", null, "text", a.contractTermDaysMax(), b.contractTermDaysMax());
        add(changes, "program.field.cap.reference", null, "bool", a.capPriceAtReference(), b.capPriceAtReference());
        add(changes, "program.field.related", null, "bool", a.excludeRelatedParties(), b.excludeRelatedParties());
        add(changes, "program.field.notice", null, "text", a.noticeWorkingDays(), b.noticeWorkingDays());
        add(changes, "program.field.redemption", null, "mode", a.redemptionMode().code(), b.redemptionMode().code());
        int targets = Math.max(a.targets().size(), b.targets().size());
        for (int i = 0; i < targets; i++) {
            Program.Target ta = i < a.targets().size() ? a.targets().get(i) : null;
            Program.Target tb = i < b.targets().size() ? b.targets().get(i) : null;
            add(changes, "program.field.target", String.valueOf(i + 1), "text", target(ta), target(tb));
        }
        return changes;
    }

    private static void add(List<Change> changes, String field, String subject, String kind, Object a, Object b) {
        boolean same = a instanceof BigDecimal x && b instanceof BigDecimal y ? x.compareTo(y) == 0 : Objects.equals(a, b);
        if (!same) {
            changes.add(new Change(field, subject, kind, a, b));
        }
    }

    private static String range(Program.DateRange r) {
        return r.start() + " ~ " + r.end();
    }

    private static String target(Program.Target t) {
        return t == null ? null : t.name() + " · " + t.metric() + " ≥ " + t.goal().toPlainString() + " · " + t.due();
    }

    /** A unified line diff: common head, aligned middle (longest common subsequence), common tail. */
    static List<Line> lines(String before, String after) {
        List<String> a = split(before);
        List<String> b = split(after);
        int head = 0;
        while (head < a.size() && head < b.size() && a.get(head).equals(b.get(head))) {
            head++;
        }
        int tail = 0;
        while (tail < a.size() - head && tail < b.size() - head
                && a.get(a.size() - 1 - tail).equals(b.get(b.size() - 1 - tail))) {
            tail++;
        }
        List<Line> out = new ArrayList<>();
        for (int i = 0; i < head; i++) {
            out.add(new Line(" ", a.get(i)));
        }
        List<String> ma = a.subList(head, a.size() - tail);
        List<String> mb = b.subList(head, b.size() - tail);
        if (ma.size() > MAX_ALIGNED_LINES || mb.size() > MAX_ALIGNED_LINES) {
            ma.forEach(l -> out.add(new Line("-", l)));
            mb.forEach(l -> out.add(new Line("+", l)));
        } else {
            aligned(ma, mb, out);
        }
        for (int i = a.size() - tail; i < a.size(); i++) {
            out.add(new Line(" ", a.get(i)));
        }
        return out;
    }

    private static void aligned(List<String> a, List<String> b, List<Line> out) {
        int n = a.size();
        int m = b.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < n && j < m) {
            if (a.get(i).equals(b.get(j))) {
                out.add(new Line(" ", a.get(i)));
                i++;
                j++;
            } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
                out.add(new Line("-", a.get(i++)));
            } else {
                out.add(new Line("+", b.get(j++)));
            }
        }
        while (i < n) {
            out.add(new Line("-", a.get(i++)));
        }
        while (j < m) {
            out.add(new Line("+", b.get(j++)));
        }
    }

    private static List<String> split(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }
}
