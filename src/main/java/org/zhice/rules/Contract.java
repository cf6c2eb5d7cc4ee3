package org.zhice.rules;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/** A contract between an enterprise and a provider, with one or more lines (one per SKU). */
public record Contract(String id, String enterpriseUscc, String providerUscc,
                       LocalDate signedOn, LocalDate startOn, LocalDate endOn, List<ContractLine> lines) {

    public Contract {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(enterpriseUscc, "enterpriseUscc");
        Objects.requireNonNull(providerUscc, "providerUscc");
        Objects.requireNonNull(signedOn, "signedOn");
        Objects.requireNonNull(startOn, "startOn");
        Objects.requireNonNull(endOn, "endOn");
        lines = List.copyOf(lines);
    }

    /** {@code end_on − start_on + 1}. */
    public long termDays() {
        return ChronoUnit.DAYS.between(startOn, endOn) + 1;
    }

    /** The line for {@code sku}, or {@code null}. */
    public ContractLine line(String sku) {
        for (ContractLine line : lines) {
            if (line.sku().equals(sku)) {
                return line;
            }
        }
        return null;
    }
}
