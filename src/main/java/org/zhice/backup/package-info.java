/**
 * Backup and restore: {@code ./zhice backup <file>} writes a consistent logical backup of the whole
 * database (embedded or external) while the platform runs, and the personal-data key beside it;
 * {@code ./zhice restore <file>} loads it into a fresh instance and verifies the ledger. The
 * procedure is in {@code docs/operations.md}.
 */
@org.springframework.modulith.ApplicationModule
package org.zhice.backup;
