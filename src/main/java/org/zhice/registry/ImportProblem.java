package org.zhice.registry;

import java.util.Arrays;
import java.util.List;

/**
 * One thing wrong with an import file: where (file, 1-based row as a spreadsheet shows it, 0 for
 * the whole file; column name or {@code null}) and what, as a message key under
 * {@code registry.import.error.} with its arguments.
 */
record ImportProblem(String file, int row, String column, String code, List<Object> args) {

    static ImportProblem of(String file, int row, String column, String code, Object... args) {
        // as text, so that a row number reads 12345 and not 12,345 in the message
        return new ImportProblem(file, row, column, code, Arrays.stream(args).map(a -> (Object) String.valueOf(a)).toList());
    }

    String messageKey() {
        return "registry.import.error." + code;
    }
}
