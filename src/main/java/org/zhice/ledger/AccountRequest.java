package org.zhice.ledger;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * An account to create. {@code code} is usually an {@link AccountCode} name; {@code owner} is an
 * enterprise's USCC or {@code "office"} for the program office's own accounts.
 */
public record AccountRequest(UUID id, String programId, String code, String owner,
                             boolean debitsMustNotExceedCredits, boolean creditsMustNotExceedDebits) {

    /** An account of the chart, with the chart's limit flag and its deterministic id. */
    public static AccountRequest of(String programId, AccountCode code, String owner) {
        return new AccountRequest(idFor(programId, code.name(), owner), programId, code.name(), owner,
                code.debitsMustNotExceedCredits(), code.creditsMustNotExceedDebits());
    }

    /**
     * The id of the account (program, code, owner): a name-based UUID, so that every module
     * finds an account without a lookup and creating it twice is idempotent.
     */
    public static UUID idFor(String programId, String code, String owner) {
        return UUID.nameUUIDFromBytes(("zhice-ledger-account\0" + programId + "\0" + code + "\0" + owner)
                .getBytes(StandardCharsets.UTF_8));
    }
}
