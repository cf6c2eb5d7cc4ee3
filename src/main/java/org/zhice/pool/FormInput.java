package org.zhice.pool;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.context.MessageSource;

/**
 * The raw values of a submitted form and the problems found while reading them: every number,
 * date and amount in yuan is read here, so that a bad one is reported against its field in the
 * user's language rather than failing the request.
 */
final class FormInput {

    /**
     * Longer numbers are refused before {@link BigDecimal} sees them, and so are exponents beyond
     * +-64: {@code movePointRight} builds every digit an exponent asks for and
     * {@code stripTrailingZeros} is quadratic in them ({@code 1e100000} took seconds of CPU,
     * {@code 1e9999999} would hold a request thread for years). No amount or quantity of a form needs
     * 40 characters.
     */
    private static final int MAX_NUMBER_CHARS = 40;
    private static final int MAX_SCALE = 64;

    private final Map<String, String> values;
    private final List<PoolException.Problem> problems = new ArrayList<>();

    FormInput(Map<String, String> values) {
        this.values = new LinkedHashMap<>(values);
        this.values.remove("_csrf");
    }

    /** What the form shows again after a refusal. */
    Map<String, String> values() {
        return values;
    }

    String text(String field) {
        String v = values.get(field);
        return v == null || v.isBlank() ? null : v.strip();
    }

    boolean checked(String field) {
        String v = values.get(field);
        return v != null && (v.equals("true") || v.equals("on"));
    }

    Integer integer(String field) {
        String v = text(field);
        if (v == null) {
            return null;
        }
        try {
            return Integer.valueOf(v);
        } catch (NumberFormatException e) {
            problems.add(new PoolException.Problem(field, "pool.form.integer", v));
            return null;
        }
    }

    BigDecimal decimal(String field) {
        String v = text(field);
        if (v == null) {
            return null;
        }
        try {
            return bounded(v);
        } catch (NumberFormatException e) {
            problems.add(new PoolException.Problem(field, "pool.form.decimal", v));
            return null;
        }
    }

    /** An amount in yuan with at most two decimals, as fen. */
    Long yuanAsFen(String field) {
        String v = text(field);
        if (v == null) {
            return null;
        }
        try {
            BigDecimal fen = bounded(v.replace(",", "")).movePointRight(2);
            if (fen.stripTrailingZeros().scale() > 0) {
                problems.add(new PoolException.Problem(field, "pool.form.yuan", v));
                return null;
            }
            return fen.longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            problems.add(new PoolException.Problem(field, "pool.form.yuan", v));
            return null;
        }
    }

    /** A decimal of at most {@link #MAX_NUMBER_CHARS} characters whose scale is within +-{@link #MAX_SCALE}. */
    private static BigDecimal bounded(String text) {
        if (text.length() > MAX_NUMBER_CHARS) {
            throw new NumberFormatException("too long");
        }
        BigDecimal value = new BigDecimal(text);
        if (Math.abs((long) value.scale()) > MAX_SCALE) {
            throw new NumberFormatException("exponent out of range");
        }
        return value;
    }

    LocalDate date(String field) {
        String v = text(field);
        if (v == null) {
            return null;
        }
        try {
            return LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            problems.add(new PoolException.Problem(field, "pool.form.date", v));
            return null;
        }
    }

    /**
     * The problems of reading and then those of the service's checks, at most one per field
     * (a field that could not be read is not reported again as missing).
     */
    List<PoolException.Problem> merged(List<PoolException.Problem> checked) {
        List<PoolException.Problem> all = new ArrayList<>(problems);
        Set<String> fields = new HashSet<>();
        problems.forEach(p -> fields.add(p.field()));
        for (PoolException.Problem p : checked) {
            if (p.field() == null || !fields.contains(p.field())) {
                all.add(p);
            }
        }
        return all;
    }

    List<PoolException.Problem> problems() {
        return problems;
    }

    /** Each problem as a line: the field's label, then the message, in the user's language. */
    static List<String> shown(List<PoolException.Problem> problems, MessageSource messages, Locale locale) {
        List<String> lines = new ArrayList<>();
        for (PoolException.Problem p : problems) {
            String message = messages.getMessage(p.code(), p.args(), p.code(), locale);
            if (p.field() == null) {
                lines.add(message);
            } else {
                String label = messages.getMessage("pool.field." + p.field(), null, p.field(), locale);
                lines.add(messages.getMessage("pool.form.problem", new Object[] {label, message}, label + ": " + message,
                        locale));
            }
        }
        return lines;
    }

    /** The fields with a problem, for marking them in the form. */
    static Set<String> fields(List<PoolException.Problem> problems) {
        Set<String> fields = new HashSet<>();
        problems.forEach(p -> {
            if (p.field() != null) {
                fields.add(p.field());
            }
        });
        return fields;
    }
}
