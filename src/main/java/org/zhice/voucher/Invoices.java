package org.zhice.voucher;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Invoice numbers of redemptions. A number counts once on the whole platform, across all
 * programs: the database holds it with a unique index on the normalised number of active rows.
 * Normalising folds full-width characters (NFKC), drops spaces, dashes and other separators and
 * upper-cases, so {@code "No. 3301-2025 0001"} and {@code "no3301２０２５0001"} are one number.
 */
@Component
class Invoices {

    static final int MAX_PER_REDEMPTION = 50;
    private static final Pattern SEPARATORS = Pattern.compile("[\\s\\-_./#:：,，]");
    private static final Pattern NORMALISED = Pattern.compile("[0-9A-Z]{1,64}");

    private final JdbcClient jdbc;

    Invoices(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The normalised form, or {@code null} when nothing of a number is left. */
    static String normalise(String number) {
        if (number == null) {
            return null;
        }
        String folded = Normalizer.normalize(number, Normalizer.Form.NFKC);
        folded = SEPARATORS.matcher(folded).replaceAll("").toUpperCase(java.util.Locale.ROOT);
        if (folded.startsWith("NO") && folded.length() > 2 && Character.isDigit(folded.charAt(2))) {
            folded = folded.substring(2);
        }
        return NORMALISED.matcher(folded).matches() ? folded : null;
    }

    /**
     * Splits what was typed (one number per line, or separated by commas or semicolons) and checks
     * it: the numbers as typed keyed by their normalised form. Refuses, naming the number, one
     * that is empty, malformed or given twice.
     */
    static Map<String, String> parse(List<String> typed) {
        List<String> numbers = new ArrayList<>();
        if (typed != null) {
            for (String item : typed) {
                if (item == null) {
                    continue;
                }
                for (String part : item.split("[\\r\\n;；]+")) {
                    if (!part.isBlank()) {
                        numbers.add(part.strip());
                    }
                }
            }
        }
        if (numbers.isEmpty()) {
            throw VoucherException.invalid("invoices", "voucher.error.invoice.required");
        }
        if (numbers.size() > MAX_PER_REDEMPTION) {
            throw VoucherException.invalid("invoices", "voucher.error.invoice.tooMany", MAX_PER_REDEMPTION);
        }
        Map<String, String> byNormalised = new LinkedHashMap<>();
        for (String number : numbers) {
            String normalised = normalise(number);
            if (normalised == null || number.length() > 64) {
                throw VoucherException.invalid("invoices", "voucher.error.invoice.malformed", number);
            }
            if (byNormalised.putIfAbsent(normalised, number) != null) {
                throw VoucherException.invalid("invoices", "voucher.error.invoice.twice", number);
            }
        }
        return byNormalised;
    }

    /**
     * Claims the numbers for a redemption; refuses, naming the first, when one already counts for
     * another redemption (anywhere on the platform). Never blocks the transaction on a failed
     * insert: a taken number is seen, not thrown by the database.
     */
    void claim(String redemptionId, Map<String, String> numbers) {
        for (Map.Entry<String, String> number : numbers.entrySet()) {
            int inserted = jdbc.sql("""
                            insert into voucher_invoice (redemption_id, number, normalised, active)
                            values (:r, :n, :norm, true)
                            on conflict (normalised) where active do nothing""")
                    .param("r", redemptionId).param("n", number.getValue()).param("norm", number.getKey())
                    .update();
            if (inserted == 0) {
                throw VoucherException.invalid("invoices", "voucher.error.invoice.used", number.getValue());
            }
        }
    }

    /** Gives a rejected redemption's numbers back: they may count for another claim. */
    void release(String redemptionId) {
        jdbc.sql("update voucher_invoice set active = false where redemption_id = :r and active")
                .param("r", redemptionId).update();
    }

    List<String> of(String redemptionId) {
        return jdbc.sql("select number from voucher_invoice where redemption_id = :r order by id")
                .param("r", redemptionId).query(String.class).list();
    }
}
