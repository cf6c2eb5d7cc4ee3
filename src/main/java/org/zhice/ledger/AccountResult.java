package org.zhice.ledger;

import java.util.UUID;

/** The answer for one account of {@link Ledger#createAccounts}. */
public record AccountResult(UUID id, Code code) {

    public enum Code {
        OK,
        /** The same account was created earlier. */
        EXISTS,
        /** The id, or (program, code, owner), is taken by an account with other fields. */
        EXISTS_WITH_DIFFERENT_BODY,
        ID_REQUIRED,
        PROGRAM_INVALID,
        CODE_INVALID,
        OWNER_INVALID,
        /** Both limit flags at once would freeze the account. */
        FLAGS_ARE_MUTUALLY_EXCLUSIVE
    }

    public boolean succeeded() {
        return code == Code.OK || code == Code.EXISTS;
    }
}
