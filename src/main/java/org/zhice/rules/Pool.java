package org.zhice.rules;

import java.util.HashMap;
import java.util.Map;

/**
 * The program's money (spec §5): {@code budget}, outstanding {@code reserved}, {@code granted};
 * {@code available = budget − reserved − granted}; per enterprise
 * {@code used_cap = its outstanding reservations + its granted subsidies}.
 */
public final class Pool {

    private final long budgetFen;
    private final long perEnterpriseCapFen;
    private long reservedFen;
    private long grantedFen;
    private final Map<String, Long> usedCapFen = new HashMap<>();

    public Pool(long budgetFen, long perEnterpriseCapFen) {
        this.budgetFen = budgetFen;
        this.perEnterpriseCapFen = perEnterpriseCapFen;
    }

    public long availableFen() {
        return budgetFen - reservedFen - grantedFen;
    }

    /** {@code per_enterprise_cap − used_cap} of an enterprise. */
    public long capLeftFen(String enterpriseUscc) {
        return perEnterpriseCapFen - usedCapFen.getOrDefault(enterpriseUscc, 0L);
    }

    public void reserve(String enterpriseUscc, long amountFen) {
        if (amountFen < 0 || amountFen > availableFen() || amountFen > capLeftFen(enterpriseUscc)) {
            throw new IllegalStateException("reservation beyond the budget or the cap: " + amountFen);
        }
        reservedFen += amountFen;
        usedCapFen.merge(enterpriseUscc, amountFen, Long::sum);
    }

    /** Moves a subsidy from reserved to granted; the enterprise's used cap is unchanged. */
    public void grant(long amountFen) {
        if (amountFen < 0 || amountFen > reservedFen) {
            throw new IllegalStateException("grant beyond reservations: " + amountFen);
        }
        reservedFen -= amountFen;
        grantedFen += amountFen;
    }

    /** Gives an unused reservation back to the pool and to the enterprise's cap. */
    public void release(String enterpriseUscc, long amountFen) {
        if (amountFen < 0 || amountFen > reservedFen) {
            throw new IllegalStateException("release beyond reservations: " + amountFen);
        }
        reservedFen -= amountFen;
        usedCapFen.merge(enterpriseUscc, -amountFen, Long::sum);
    }

    public Budget budget() {
        return new Budget(budgetFen, reservedFen, grantedFen);
    }

    /** The pool's figures at one moment. */
    public record Budget(long budgetFen, long reservedFen, long grantedFen) {
        public long availableFen() {
            return budgetFen - reservedFen - grantedFen;
        }
    }
}
