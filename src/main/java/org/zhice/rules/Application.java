package org.zhice.rules;

import java.time.Instant;
import java.util.Objects;

/** 申领: an enterprise asks for a voucher covering one contract. */
public record Application(String id, Instant submittedAt, String enterpriseUscc, String contractId) {
    public Application {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(submittedAt, "submittedAt");
        Objects.requireNonNull(enterpriseUscc, "enterpriseUscc");
        Objects.requireNonNull(contractId, "contractId");
    }
}
