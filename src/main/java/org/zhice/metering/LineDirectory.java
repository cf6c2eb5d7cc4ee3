package org.zhice.metering;

import java.time.Clock;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;
import org.zhice.pool.ComputePool;
import org.zhice.pool.Offering;
import org.zhice.rules.CatalogRow;
import org.zhice.rules.Contract;
import org.zhice.rules.ContractLine;
import org.zhice.rules.PricedLine;
import org.zhice.rules.ShanghaiTime;
import org.zhice.rules.Unit;

/**
 * The contract lines and catalog rows that events are checked against, as the rules engine's
 * types. Contracts do not change once found and are kept; a catalog row in force on a day before
 * today does not change either (the pool only ends a listing early from today on), so those are
 * kept too. Anything about today or later, and anything not found, is asked again in each upload.
 */
@Component
class LineDirectory {

    /** A bound on what is kept; past it the caches start over. */
    static final int MAX_KEPT = 200_000;

    private final List<ContractLines> sources;
    private final ComputePool pool;
    private final Clock clock;
    private final Map<String, MeteredContract> contracts = new ConcurrentHashMap<>();
    private final Map<ListingKey, Optional<Offering>> listings = new ConcurrentHashMap<>();

    LineDirectory(List<ContractLines> sources, ComputePool pool, Clock clock) {
        this.sources = sources;
        this.pool = pool;
        this.clock = clock;
    }

    /** What one upload looks up, with what is not kept across uploads remembered for the upload. */
    Lookup lookup() {
        return new Lookup(ShanghaiTime.dateOf(clock.instant()).toEpochDay());
    }

    private record ListingKey(String providerUscc, String sku, long epochDay) {
    }

    private record LineKey(String contractId, String sku) {
    }

    final class Lookup {
        private final long today;
        private final Map<String, MeteredContract> found = new HashMap<>();
        private final Map<LineKey, Optional<PricedLine>> lines = new HashMap<>();
        private final Map<ListingKey, Optional<Offering>> local = new HashMap<>();

        private Lookup(long today) {
            this.today = today;
        }

        /** Finds the contracts among {@code ids}; those no source knows stay unknown. */
        void load(Set<String> ids) {
            Set<String> missing = new HashSet<>();
            for (String id : ids) {
                MeteredContract kept = contracts.get(id);
                if (kept != null) {
                    found.put(id, kept);
                } else {
                    missing.add(id);
                }
            }
            for (ContractLines source : sources) {
                if (missing.isEmpty()) {
                    break;
                }
                Map<String, MeteredContract> answer = source.find(Set.copyOf(missing));
                for (Map.Entry<String, MeteredContract> e : answer.entrySet()) {
                    if (missing.remove(e.getKey())) {
                        found.put(e.getKey(), e.getValue());
                        keep(contracts, e.getKey(), e.getValue());
                    }
                }
            }
        }

        /** The priced line {@code (contract, sku)} (unit, category and price basis of spec §3), or {@code null}. */
        PricedLine line(String contractId, String sku) {
            return lines.computeIfAbsent(new LineKey(contractId, sku), k -> Optional.ofNullable(price(k))).orElse(null);
        }

        private PricedLine price(LineKey key) {
            MeteredContract contract = found.get(key.contractId());
            if (contract == null) {
                return null;
            }
            MeteredContract.Line line = contract.lines().stream().filter(l -> l.sku().equals(key.sku()))
                    .findFirst().orElse(null);
            if (line == null) {
                return null;
            }
            Contract rulesContract = new Contract(contract.contractId(), contract.enterpriseUscc(),
                    contract.providerUscc(), contract.signedOn(), contract.startOn(), contract.endOn(),
                    List.of(new ContractLine(line.sku(), line.unitPriceFen(), line.quantityMaxMicros())));
            Offering listing = offering(contract.providerUscc(), line.sku(), contract.signedOn().toEpochDay());
            CatalogRow row = listing == null ? null : row(listing);
            long basis = row == null ? line.unitPriceFen() : Math.min(line.unitPriceFen(), row.referencePriceFen());
            return new PricedLine(rulesContract, rulesContract.lines().get(0), row, basis);
        }

        /** The capacity of the row of {@code (provider, sku)} listed on a day, or {@link CatalogRow#NO_CAPACITY}. */
        long capacity(String providerUscc, String sku, long epochDay) {
            Offering offering = offering(providerUscc, sku, epochDay);
            return offering == null || offering.capacity() == null ? CatalogRow.NO_CAPACITY : offering.capacity();
        }

        private Offering offering(String providerUscc, String sku, long epochDay) {
            ListingKey key = new ListingKey(providerUscc, sku, epochDay);
            Optional<Offering> kept = listings.get(key);
            if (kept != null) {
                return kept.orElse(null);
            }
            return local.computeIfAbsent(key, k -> {
                Optional<Offering> offering = pool.offeringInForce(providerUscc, sku, LocalDate.ofEpochDay(epochDay));
                if (offering.isPresent() && epochDay < today) {
                    keep(listings, k, offering);
                }
                return offering;
            }).orElse(null);
        }
    }

    private static <K, V> void keep(Map<K, V> cache, K key, V value) {
        if (cache.size() >= MAX_KEPT) {
            cache.clear();
        }
        cache.put(key, value);
    }

    static CatalogRow row(Offering o) {
        Unit unit = Unit.fromCode(o.unit());
        return new CatalogRow(o.providerUscc(), o.sku(), o.category(), unit == null ? Unit.GPU_HOUR : unit,
                o.referencePriceFen(), o.capacity() == null ? CatalogRow.NO_CAPACITY : o.capacity(),
                o.listedFrom(), o.listedTo());
    }
}
