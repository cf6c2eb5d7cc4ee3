package org.zhice.policy;

/**
 * One thing wrong with a program file: where (file, 1-based line, key path such as
 * {@code period.end} or {@code categories.compute.domestic}) and what.
 */
public record ProgramError(String file, int line, String key, String message) {

    /** {@code file:line:key: message}, the form every input error of the platform takes. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + key + ": " + message;
    }
}
