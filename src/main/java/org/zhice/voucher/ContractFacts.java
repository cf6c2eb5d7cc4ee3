package org.zhice.voucher;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.zhice.policy.Program;
import org.zhice.pool.ComputePool;
import org.zhice.pool.Offering;
import org.zhice.pool.PoolContract;
import org.zhice.rules.Catalog;
import org.zhice.rules.CatalogRow;
import org.zhice.rules.Contract;
import org.zhice.rules.ContractLine;
import org.zhice.rules.PricedLine;
import org.zhice.rules.Unit;

/**
 * Contracts as the rules see them (spec §2 {@code contracts.csv}), wherever they were signed: on
 * the platform (the pool) or outside it (uploaded here), and their lines priced against the
 * catalog row listed on the day they were signed (spec §3).
 */
@Component
public class ContractFacts {

    /** Where a contract comes from. */
    public enum Source { POOL, UPLOAD }

    /** A contract and where it was found; {@code documentSha256} only for uploads. */
    public record Found(Contract contract, Source source, String documentSha256, String documentName, String externalRef) {
    }

    private final ComputePool pool;
    private final JdbcClient jdbc;

    ContractFacts(ComputePool pool, JdbcClient jdbc) {
        this.pool = pool;
        this.jdbc = jdbc;
    }

    Optional<Found> find(String contractId) {
        if (contractId == null || contractId.isBlank()) {
            return Optional.empty();
        }
        Optional<PoolContract> onPlatform = pool.contract(contractId);
        if (onPlatform.isPresent()) {
            PoolContract c = onPlatform.get();
            List<ContractLine> lines = c.lines().stream()
                    .map(l -> new ContractLine(l.sku(), l.unitPriceFen(), micros(l.quantityMax()))).toList();
            return Optional.of(new Found(new Contract(c.contractId(), c.enterpriseUscc(), c.providerUscc(), c.signedOn(),
                    c.startOn(), c.endOn(), lines), Source.POOL, null, null, null));
        }
        return uploaded(contractId);
    }

    Optional<Found> uploaded(String contractId) {
        return contractId == null ? Optional.empty() : Optional.ofNullable(uploaded(List.of(contractId)).get(contractId));
    }

    /** The uploaded contracts among these ids, by id: two queries whatever their number. */
    Map<String, Found> uploaded(Collection<String> contractIds) {
        String[] ids = contractIds.toArray(String[]::new);
        Map<String, List<ContractLine>> lines = new HashMap<>();
        jdbc.sql("""
                        select contract_id, sku, unit_price_fen, quantity_max_micros from voucher_contract_line
                        where contract_id = any(:ids) order by contract_id, sku""")
                .param("ids", ids)
                .query(rs -> {
                    lines.computeIfAbsent(rs.getString(1), id -> new ArrayList<>())
                            .add(new ContractLine(rs.getString(2), rs.getLong(3), rs.getLong(4)));
                });
        Map<String, Found> found = new LinkedHashMap<>();
        jdbc.sql("""
                        select contract_id, enterprise_uscc, provider_uscc, signed_on, start_on, end_on,
                               document_sha256, document_name, external_ref
                        from voucher_contract where contract_id = any(:ids)""")
                .param("ids", ids)
                .query(rs -> {
                    String id = rs.getString(1);
                    found.put(id, new Found(new Contract(id, rs.getString(2), rs.getString(3),
                            rs.getObject(4, java.time.LocalDate.class), rs.getObject(5, java.time.LocalDate.class),
                            rs.getObject(6, java.time.LocalDate.class), List.copyOf(lines.getOrDefault(id, List.of()))),
                            Source.UPLOAD, rs.getString(7), rs.getString(8), rs.getString(9)));
                });
        return found;
    }

    /** Every contract an enterprise may apply with: its pool contracts and its uploads, latest first. */
    List<Found> ofEnterprise(String enterpriseUscc) {
        List<Found> all = new ArrayList<>();
        for (PoolContract c : pool.contractsOf(enterpriseUscc)) {
            find(c.contractId()).ifPresent(all::add);
        }
        List<String> ids = jdbc.sql("select contract_id from voucher_contract where enterprise_uscc = :e "
                        + "order by signed_on desc, contract_id desc")
                .param("e", enterpriseUscc).query(String.class).list();
        Map<String, Found> uploads = uploaded(ids);
        ids.stream().map(uploads::get).filter(java.util.Objects::nonNull).forEach(all::add);
        return all;
    }

    /** The catalog rows that price this contract's lines: those listed on its signing day. */
    Catalog catalogFor(Contract contract) {
        List<CatalogRow> rows = new ArrayList<>();
        for (ContractLine line : contract.lines()) {
            pool.offeringInForce(contract.providerUscc(), line.sku(), contract.signedOn())
                    .map(ContractFacts::row)
                    .ifPresent(rows::add);
        }
        return new Catalog(rows);
    }

    /** The contract's lines priced for the program (category, unit, price basis). */
    List<PricedLine> priced(Contract contract, Program program) {
        Catalog catalog = catalogFor(contract);
        return contract.lines().stream().map(l -> PricedLine.of(contract, l, catalog, program)).toList();
    }

    static CatalogRow row(Offering o) {
        return new CatalogRow(o.providerUscc(), o.sku(), o.category(), Unit.fromCode(o.unit()), o.referencePriceFen(),
                o.capacity() == null ? CatalogRow.NO_CAPACITY : o.capacity(), o.listedFrom(), o.listedTo());
    }

    static long micros(BigDecimal quantity) {
        return quantity.movePointRight(6).setScale(0, java.math.RoundingMode.UNNECESSARY).longValueExact();
    }
}
