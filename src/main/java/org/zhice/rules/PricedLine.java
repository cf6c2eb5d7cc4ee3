package org.zhice.rules;

import java.math.BigDecimal;
import java.util.Objects;

import org.zhice.policy.Program;

/**
 * A contract line as the rules see it (spec §3): the catalog row listed on the contract's
 * {@code signed_on} ({@code null} when the provider is not listed for the SKU that day), which
 * gives the line its unit and category, and the price basis.
 */
public record PricedLine(Contract contract, ContractLine line, CatalogRow listing, long priceBasisFen) {

    public PricedLine {
        Objects.requireNonNull(contract, "contract");
        Objects.requireNonNull(line, "line");
    }

    /**
     * Prices a line: {@code min(unit_price, reference_price)} when the program caps prices at
     * the reference and the line is listed, else the contract's unit price.
     */
    public static PricedLine of(Contract contract, ContractLine line, Catalog catalog, Program program) {
        CatalogRow listing = catalog.listedOn(contract.providerUscc(), line.sku(), contract.signedOn());
        long basis = line.unitPriceFen();
        if (listing != null && program.capPriceAtReference()) {
            basis = Math.min(basis, listing.referencePriceFen());
        }
        return new PricedLine(contract, line, listing, basis);
    }

    public boolean listed() {
        return listing != null;
    }

    /** The line's unit, or {@code null} when not listed. */
    public Unit unit() {
        return listing == null ? null : listing.unit();
    }

    /** The line's category, or {@code null} when not listed. */
    public String category() {
        return listing == null ? null : listing.category();
    }

    /** {@code price_basis × quantity_max}, exact. */
    public BigDecimal lineValue() {
        return BigDecimal.valueOf(priceBasisFen).multiply(Quantities.toDecimal(line.quantityMaxMicros()));
    }
}
