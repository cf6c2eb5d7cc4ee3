package org.zhice.ledger;

import java.util.UUID;

/**
 * The answer for one transfer of a batch, in the batch's order.
 *
 * @param id         the id the request carried
 * @param code       what happened
 * @param transferId the journal transfer that holds the effect: the request's id for {@code OK},
 *                   the earlier transfer's id for {@code EXISTS} (it differs when matched by
 *                   idempotency key), {@code null} when nothing was written
 */
public record TransferResult(UUID id, ResultCode code, UUID transferId) {

    public boolean succeeded() {
        return code.succeeded();
    }
}
