package org.zhice.ledger;

import java.time.OffsetDateTime;
import java.util.UUID;

/** An account with its balances: pending and posted, debits and credits, in fen. */
public record Account(UUID id, String programId, String code, String owner, String currency,
                      boolean debitsMustNotExceedCredits, boolean creditsMustNotExceedDebits,
                      long debitsPendingFen, long debitsPostedFen, long creditsPendingFen, long creditsPostedFen,
                      OffsetDateTime createdAt) {

    /**
     * What may still be debited (for an account whose debits must not exceed its credits, such
     * as a budget pool: budget − reserved − granted), or credited in the mirror case;
     * {@code Long.MAX_VALUE} when the account has no limit.
     */
    public long headroomFen() {
        if (debitsMustNotExceedCredits) {
            return creditsPostedFen - debitsPostedFen - debitsPendingFen;
        }
        if (creditsMustNotExceedDebits) {
            return debitsPostedFen - creditsPostedFen - creditsPendingFen;
        }
        return Long.MAX_VALUE;
    }

    public boolean limited() {
        return debitsMustNotExceedCredits || creditsMustNotExceedDebits;
    }
}
