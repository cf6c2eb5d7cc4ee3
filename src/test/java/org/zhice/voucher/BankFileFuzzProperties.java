package org.zhice.voucher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The bank payment file is opened in spreadsheets: whatever names and references it carries, no
 * cell starts with a character that makes a spreadsheet read a formula ({@code = + - @}, tab, CR),
 * every cell reads back as written (with a leading {@code '} where one was added), and a payment
 * is always one record.
 */
class BankFileFuzzProperties {

    @Provide
    Arbitrary<String> hostile() {
        Arbitrary<String> prefix = Arbitraries.of("=", "+", "-", "@", "\t", "\r", "\n", "\"", ",", "'", " =", "");
        Arbitrary<String> rest = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(30),
                Arbitraries.of("HYPERLINK(\"http://evil\",\"x\")", "cmd|' /C calc'!A0", "SUM(A1:A9)", "1+1",
                        "杭州示例科技有限公司", "a,b", "say \"hi\"", "line\nbreak", "<script>alert(1)</script>"));
        return net.jqwik.api.Combinators.combine(prefix, rest).as((p, r) -> p + r);
    }

    @Property(tries = 500)
    void noCellOfTheBankFileIsAFormula(@ForAll("hostile") String name, @ForAll("hostile") String bank,
                                       @ForAll("hostile") String account, @ForAll("hostile") String reference)
            throws IOException {
        BankFile.Payment payment = new BankFile.Payment("91330106MA2CFD8X5Q", name, bank, account, 123_45, reference);
        String csv = BankFile.write(List.of(payment, payment));
        List<CSVRecord> records = new ArrayList<>();
        try (CSVParser parser = CSVFormat.RFC4180.parse(new StringReader(csv))) {
            parser.forEach(records::add);
        }
        assertThat(records).hasSize(3);
        for (CSVRecord record : records.subList(1, 3)) {
            assertThat(record.size()).isEqualTo(6);
            for (String cell : record.toList()) {
                if (!cell.isEmpty()) {
                    assertThat("=+-@\t\r").as("first character of %s", cell).doesNotContain(cell.substring(0, 1));
                }
            }
            assertThat(record.get(1)).isEqualTo(defused(name));
            assertThat(record.get(2)).isEqualTo(defused(bank));
            assertThat(record.get(3)).isEqualTo(defused(account));
            assertThat(record.get(4)).isEqualTo("123.45");
            assertThat(record.get(5)).isEqualTo(defused(reference));
        }
    }

    private static String defused(String value) {
        return !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    }
}
