package org.zhice.metering;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.zhice.pool.ComputePool;
import org.zhice.pool.PoolContract;

/** The contracts signed on the platform (the pool's), asked first. Pool contracts are append-only. */
@Component
@Order(0)
class PoolContractLines implements ContractLines {

    private final ComputePool pool;

    PoolContractLines(ComputePool pool) {
        this.pool = pool;
    }

    @Override
    public Map<String, MeteredContract> find(Set<String> contractIds) {
        Map<String, MeteredContract> found = new HashMap<>();
        for (PoolContract c : pool.contracts(contractIds)) {
            found.put(c.contractId(), of(c));
        }
        return found;
    }

    static MeteredContract of(PoolContract c) {
        return new MeteredContract(c.contractId(), c.enterpriseUscc(), c.providerUscc(), c.signedOn(), c.startOn(),
                c.endOn(), c.lines().stream()
                        .map(l -> new MeteredContract.Line(l.sku(), l.unitPriceFen(), micros(l.quantityMax())))
                        .toList());
    }

    private static long micros(BigDecimal quantity) {
        return quantity.movePointRight(6).setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
    }
}
