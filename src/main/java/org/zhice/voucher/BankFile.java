package org.zhice.voucher;

import java.math.BigDecimal;
import java.util.List;

/**
 * The bank payment file of a disbursement batch: CSV (RFC 4180, UTF-8, {@code \n}), one payment
 * a line, amounts in 元 with exactly two decimals. A cell that a spreadsheet would read as a
 * formula (starting with {@code = + - @}, a tab or a carriage return) is prefixed with {@code '}
 * so that opening the file never runs anything.
 */
final class BankFile {

    static final String HEADER = "payee_uscc,payee_name,bank_name,bank_account,amount_yuan,reference";

    record Payment(String payeeUscc, String payeeName, String bankName, String bankAccount, long amountFen,
                   String reference) {
    }

    private BankFile() {
    }

    static String write(List<Payment> payments) {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (Payment p : payments) {
            csv.append(cell(p.payeeUscc())).append(',')
                    .append(cell(p.payeeName())).append(',')
                    .append(cell(p.bankName())).append(',')
                    .append(cell(p.bankAccount())).append(',')
                    .append(yuan(p.amountFen())).append(',')
                    .append(cell(p.reference())).append('\n');
        }
        return csv.toString();
    }

    /** Fen as 元 with exactly two decimals, exact: 123456 → {@code 1234.56}. */
    static String yuan(long fen) {
        return BigDecimal.valueOf(fen, 2).toPlainString();
    }

    /** One cell: defused against formula injection, then quoted when it holds a comma, quote or line break. */
    static String cell(String value) {
        if (value == null) {
            return "";
        }
        String text = value;
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}
