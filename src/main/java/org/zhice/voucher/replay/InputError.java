package org.zhice.voucher.replay;

/**
 * Something wrong in a replay input file: the file, the 1-based line (a CSV header is line 1),
 * the column (a CSV header name, a JSON field name, a program key, or {@code -}) and what.
 */
public record InputError(String file, long line, String column, String message) {

    /** {@code file:line:column: message}. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
