package org.zhice.pool;

import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.audit.AuditLog;

/**
 * Accepting an offer: the contract and its line are signed on the platform and the offering's
 * GPUs are reserved over the demand's window. The offering row is locked while its free
 * capacity is counted and the reservation written, so concurrent accepts never hold more GPUs
 * on any day than the row's capacity. (The demand row is locked first, then the offering: one
 * order for every accept, so they cannot deadlock.)
 */
@Service
class Contracts {

    private final JdbcClient jdbc;
    private final Demands demands;
    private final Offerings offerings;
    private final VoucherRatios ratios;
    private final AuditLog audit;
    private final Clock clock;

    Contracts(JdbcClient jdbc, Demands demands, Offerings offerings, VoucherRatios ratios, AuditLog audit,
              Clock clock) {
        this.jdbc = jdbc;
        this.demands = demands;
        this.offerings = offerings;
        this.ratios = ratios;
        this.audit = audit;
        this.clock = clock;
    }

    /** The enterprise accepts an offer for its open demand: a contract signed today. */
    @Transactional
    PoolContract accept(String enterpriseUscc, long demandId, long offeringId, String actor) {
        PoolDemand demand = demands.lock(demandId)
                .filter(d -> d.enterpriseUscc().equals(enterpriseUscc))
                .orElseThrow(() -> new PoolException(null, "pool.demand.notFound", demandId));
        LocalDate today = Offerings.today(clock);
        if (!demand.open()) {
            throw new PoolException(null, "pool.accept.notOpen", demandId);
        }
        if (demand.startOn().isBefore(today)) {
            throw new PoolException(null, "pool.accept.windowStarted", demand.startOn());
        }
        return sign(demand, offeringId, today, actor);
    }

    /**
     * Signs the contract for a locked open demand on {@code signedOn}: checks that the offering
     * is in force that day and through the window, fits the demand, has the GPUs free and stays
     * within the budget; then writes contract, line and reservation.
     */
    PoolContract sign(PoolDemand demand, long offeringId, LocalDate signedOn, String actor) {
        Offering offering = offerings.lock(offeringId)
                .orElseThrow(() -> new PoolException(null, "pool.offering.notFound", offeringId));
        if (!offering.inForceOn(signedOn) || offering.listedTo().isBefore(demand.endOn())) {
            throw new PoolException(null, "pool.accept.notListed", offering.sku(), demand.endOn());
        }
        if (!offering.unit().equals(demand.unit()) || !offering.resourceName().equals(demand.resourceName())) {
            throw new PoolException(null, "pool.accept.mismatch", offering.resourceName(), demand.resourceName());
        }
        int peak = demands.peakReserved(List.of(offering), demand.startOn(), demand.endOn())
                .getOrDefault(offering.id(), 0);
        Matcher.Offer offer = Demands.forMatcher(offering, peak);
        Matcher.Ranking ranking = Matcher.rank(demand.forMatcher(ratios.of(demand.enterpriseUscc(), signedOn)),
                List.of(offer));
        if (ranking.quotes().isEmpty()) {
            if (ranking.tooLittleCapacity() > 0) {
                throw new PoolException(null, "pool.accept.noCapacity", offering.sku(), offer.freeGpus(),
                        demand.gpus());
            }
            if (ranking.outsideCity() > 0) {
                throw new PoolException(null, "pool.accept.outsideCity", offering.regionCode());
            }
            throw new PoolException(null, "pool.accept.overBudget");
        }
        if (offering.providerUscc().equals(demand.enterpriseUscc())) {
            throw new PoolException(null, "pool.accept.ownOffering");
        }
        Matcher.Quote quote = ranking.quotes().get(0);
        long number = jdbc.sql("select nextval('pool_contract_number')").query(Long.class).single();
        String contractId = "PC%d-%06d".formatted(signedOn.getYear(), number);
        OffsetDateTime now = OffsetDateTime.now(clock);
        jdbc.sql("""
                insert into pool_contract (contract_id, enterprise_uscc, provider_uscc, signed_on, start_on, end_on,
                    demand_id, created_by, created_at)
                values (:id, :e, :p, :signed, :start, :end, :demand, :by, :at)
                """)
                .param("id", contractId).param("e", demand.enterpriseUscc()).param("p", offering.providerUscc())
                .param("signed", signedOn).param("start", demand.startOn()).param("end", demand.endOn())
                .param("demand", demand.id()).param("by", actor).param("at", now)
                .update();
        jdbc.sql("""
                insert into pool_contract_line (contract_id, sku, offering_id, unit_price_fen, quantity_max)
                values (:id, :sku, :offering, :price, :quantity)
                """)
                .param("id", contractId).param("sku", offering.sku()).param("offering", offering.id())
                .param("price", offering.referencePriceFen()).param("quantity", demand.quantity())
                .update();
        if (offering.gpu()) {
            jdbc.sql("""
                    insert into pool_reservation (provider_uscc, sku, offering_id, contract_id, gpus, start_on, end_on)
                    values (:p, :sku, :offering, :id, :gpus, :start, :end)
                    """)
                    .param("p", offering.providerUscc()).param("sku", offering.sku()).param("offering", offering.id())
                    .param("id", contractId).param("gpus", demand.gpus())
                    .param("start", demand.startOn()).param("end", demand.endOn())
                    .update();
        }
        jdbc.sql("update pool_demand set status = 'contracted' where id = :id").param("id", demand.id()).update();
        audit.recordAs(actor, "pool.contract.sign", "pool_contract", contractId,
                demand.enterpriseUscc() + " ← " + offering.providerUscc() + " " + offering.sku() + " × "
                        + demand.quantity().toPlainString() + " at " + offering.referencePriceFen() + " fen; gross "
                        + quote.grossFen() + " net " + quote.netFen() + " fen; demand " + demand.id());
        return contract(contractId).orElseThrow();
    }

    Optional<PoolContract> contract(String contractId) {
        List<PoolContract> found = load(new String[] {contractId});
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    List<PoolContract> withIds(String[] contractIds) {
        return load(contractIds);
    }

    List<PoolContract> ofEnterprise(String enterpriseUscc) {
        return load(jdbc.sql("select contract_id from pool_contract where enterprise_uscc = :e")
                .param("e", enterpriseUscc).query(String.class).list().toArray(String[]::new));
    }

    List<PoolContract> ofProvider(String providerUscc) {
        return load(jdbc.sql("select contract_id from pool_contract where provider_uscc = :p")
                .param("p", providerUscc).query(String.class).list().toArray(String[]::new));
    }

    /** The latest contracts, at most {@code limit}. */
    List<PoolContract> latest(int limit) {
        return load(jdbc.sql("select contract_id from pool_contract order by created_at desc, contract_id desc limit :n")
                .param("n", limit).query(String.class).list().toArray(String[]::new));
    }

    /** The contracts with these ids, latest signed first. */
    private List<PoolContract> load(String[] ids) {
        if (ids.length == 0) {
            return List.of();
        }
        Map<String, PoolContract> contracts = new LinkedHashMap<>();
        Map<String, List<PoolContract.Line>> lines = new LinkedHashMap<>();
        jdbc.sql("""
                select c.contract_id, c.enterprise_uscc, c.provider_uscc, c.signed_on, c.start_on, c.end_on,
                       l.sku, l.unit_price_fen, l.quantity_max
                from pool_contract c join pool_contract_line l on l.contract_id = c.contract_id
                where c.contract_id = any(:ids)
                order by c.signed_on desc, c.contract_id desc, l.sku
                """)
                .param("ids", ids)
                .query(rs -> {
                    String id = rs.getString(1);
                    if (!contracts.containsKey(id)) {
                        contracts.put(id, new PoolContract(id, rs.getString(2), rs.getString(3),
                                rs.getObject(4, LocalDate.class), rs.getObject(5, LocalDate.class),
                                rs.getObject(6, LocalDate.class), List.of()));
                    }
                    lines.computeIfAbsent(id, k -> new ArrayList<>()).add(new PoolContract.Line(rs.getString(7),
                            rs.getLong(8), rs.getBigDecimal(9)));
                });
        return contracts.values().stream()
                .map(c -> new PoolContract(c.contractId(), c.enterpriseUscc(), c.providerUscc(), c.signedOn(),
                        c.startOn(), c.endOn(), lines.get(c.contractId())))
                .toList();
    }
}
