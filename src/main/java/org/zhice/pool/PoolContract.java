package org.zhice.pool;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.List;

/**
 * A contract signed on the platform, in the shape of spec §2 {@code contracts.csv}: the parties,
 * the dates and one line per SKU. Pool contracts have one line, at the offering's reference
 * price; {@code quantityMax} is in the SKU's unit (GPU-hours or millions of tokens).
 */
public record PoolContract(String contractId, String enterpriseUscc, String providerUscc, LocalDate signedOn,
                           LocalDate startOn, LocalDate endOn, List<Line> lines) {

    public static final String CSV_HEADER =
            "contract_id,enterprise_uscc,provider_uscc,signed_on,start_on,end_on,sku,unit_price_fen,quantity_max";

    public PoolContract {
        lines = List.copyOf(lines);
    }

    public record Line(String sku, long unitPriceFen, BigDecimal quantityMax) {
        /** {@code unit price × quantity max}, rounded half up to whole fen: what the line can cost at most. */
        public long amountMaxFen() {
            return quantityMax.multiply(BigDecimal.valueOf(unitPriceFen)).setScale(0, RoundingMode.HALF_UP)
                    .longValueExact();
        }
    }

    /** The contract as rows of {@code contracts.csv}, one per line, without line ends. */
    public List<String> csvRows() {
        return lines.stream().map(l -> String.join(",", contractId, enterpriseUscc, providerUscc, signedOn.toString(),
                startOn.toString(), endOn.toString(), l.sku(), Long.toString(l.unitPriceFen()),
                l.quantityMax().stripTrailingZeros().toPlainString())).toList();
    }
}
