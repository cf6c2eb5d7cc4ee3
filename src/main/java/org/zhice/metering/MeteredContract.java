package org.zhice.metering;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * A contract as metering checks events against it (spec §2 {@code contracts.csv}): the parties,
 * the dates and one line per SKU, with the unit price and the maximum quantity in millionths of
 * the SKU's unit.
 */
public record MeteredContract(String contractId, String enterpriseUscc, String providerUscc, LocalDate signedOn,
                              LocalDate startOn, LocalDate endOn, List<Line> lines) {

    public MeteredContract {
        Objects.requireNonNull(contractId, "contractId");
        Objects.requireNonNull(enterpriseUscc, "enterpriseUscc");
        Objects.requireNonNull(providerUscc, "providerUscc");
        Objects.requireNonNull(signedOn, "signedOn");
        Objects.requireNonNull(startOn, "startOn");
        Objects.requireNonNull(endOn, "endOn");
        lines = List.copyOf(lines);
    }

    public record Line(String sku, long unitPriceFen, long quantityMaxMicros) {
        public Line {
            Objects.requireNonNull(sku, "sku");
        }
    }
}
