package org.zhice.backup;

/** A backup or restore refused: a message key of {@code i18n/backup} and its arguments. Nothing was changed. */
final class BackupException extends RuntimeException {

    final String key;
    final transient Object[] args;

    BackupException(String key, Object... args) {
        super(key);
        this.key = key;
        this.args = args;
    }
}
