package org.zhice.pool;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.policy.ProgramCatalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.zhice.pool.PoolFixtures.TODAY;
import static org.zhice.pool.PoolFixtures.gpu;
import static org.zhice.pool.PoolFixtures.gpuDemand;

/**
 * The catalog, matching and contracts on a real PostgreSQL, on a fixed day (2025-06-02) under the
 * Hangzhou 2025 program (compute.domestic 30%, compute.other 20%).
 */
@SpringBootTest
@Import(PoolFixtures.FixedClock.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoolTest {

    static final String OFFICE = "office-test";

    @Autowired JdbcClient jdbc;
    @Autowired TransactionTemplate tx;
    @Autowired Offerings offerings;
    @Autowired Demands demands;
    @Autowired Contracts contracts;
    @Autowired ComputePool pool;
    @Autowired ProgramCatalog programs;

    @BeforeAll
    void programs() {
        assertThat(programs.loadPresets().ok()).isTrue();
    }

    String org(String kind, String region) {
        return tx.execute(s -> PoolFixtures.organisation(jdbc, kind, region, kind + " " + region));
    }

    Offering listed(String provider, Offerings.Draft draft) {
        Offering submitted = offerings.submit(provider, draft, "provider-user");
        return offerings.approve(submitted.id(), OFFICE);
    }

    @Test
    void overlappingListingsOfOneSkuAreRefusedAndNothingChanges() {
        String provider = org("provider", "330106");
        Offering v1 = listed(provider, gpu("ASC-910B", "昇腾910B", true, 64, "330106", 1_800, TODAY, TODAY.plusDays(365)));

        // the database itself refuses a second approved row that overlaps
        assertThatThrownBy(() -> offerings.insertApproved(provider,
                gpu("ASC-910B", "昇腾910B", true, 64, "330106", 1_500, TODAY.plusDays(100), TODAY.plusDays(200)),
                2, null, "sql"))
                .isInstanceOf(PoolException.class);
        assertThatThrownBy(() -> jdbc.sql("""
                insert into pool_offering (provider_uscc, sku, version, category, resource_name, domestic, unit,
                    capacity, region_code, reference_price_fen, listed_from, listed_to, status, submitted_by,
                    submitted_at, reviewed_by, reviewed_at)
                values (:p, 'ASC-910B', 9, 'compute.domestic', '昇腾910B', true, 'gpu_hour', 8, '330106', 100,
                    :from, :to, 'approved', 'sql', now(), 'sql', now())
                """).param("p", provider).param("from", TODAY.plusDays(300)).param("to", TODAY.plusDays(400)).update())
                .isInstanceOf(DataAccessException.class)
                .hasMessageContaining("pool_offering_no_overlap");

        // a second offering under the same SKU is a new version, not a new offering
        assertThatThrownBy(() -> offerings.submit(provider,
                gpu("ASC-910B", "昇腾910B", true, 64, "330106", 1_700, TODAY.plusDays(10), TODAY.plusDays(20)), "p"))
                .isInstanceOf(PoolException.class)
                .satisfies(e -> assertThat(((PoolException) e).problems()).extracting(PoolException.Problem::code)
                        .containsExactly("pool.offering.skuExists"));

        // two new versions: approving the first ends v1's listing; the second overlaps the first
        Offering v2 = offerings.submitVersion(provider, v1.id(),
                gpu(null, "昇腾910B", true, 64, "330106", 1_600, TODAY.plusDays(30), TODAY.plusDays(400)), "p");
        Offering v3 = offerings.submitVersion(provider, v1.id(),
                gpu(null, "昇腾910B", true, 96, "330106", 1_500, TODAY.plusDays(60), TODAY.plusDays(90)), "p");
        offerings.approve(v2.id(), OFFICE);
        assertThatThrownBy(() -> offerings.approve(v3.id(), OFFICE))
                .isInstanceOf(PoolException.class)
                .satisfies(e -> assertThat(((PoolException) e).problems().get(0).code()).isEqualTo("pool.review.overlap"));
        assertThat(offerings.find(v3.id()).orElseThrow().status()).isEqualTo("pending");
        assertThat(offerings.find(v2.id()).orElseThrow().listedFrom()).isEqualTo(TODAY.plusDays(30));
        assertThat(offerings.find(v1.id()).orElseThrow().listedTo()).isEqualTo(TODAY.plusDays(29));
        assertThat(jdbc.sql("select count(*) from audit_log where action = 'pool.offering.approve'")
                .query(Long.class).single()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void theRowInForceOnADateIsTheApprovedVersionListedThatDay() {
        String provider = org("provider", "330108");
        Offering v1 = listed(provider, gpu("NV-H20", "H20", false, 32, "330108", 1_200, TODAY, TODAY.plusDays(365)));
        Offering v2 = offerings.submitVersion(provider, v1.id(),
                gpu(null, "H20", false, 48, "330108", 1_100, TODAY.plusDays(30), TODAY.plusDays(365)), "p");
        assertThat(pool.offeringInForce(provider, "NV-H20", TODAY.plusDays(40)).orElseThrow().id())
                .as("a pending version is not in force").isEqualTo(v1.id());
        offerings.approve(v2.id(), OFFICE);

        assertThat(pool.offeringInForce(provider, "NV-H20", TODAY.minusDays(1))).isEmpty();
        assertThat(pool.offeringInForce(provider, "NV-H20", TODAY).orElseThrow().referencePriceFen()).isEqualTo(1_200);
        assertThat(pool.offeringInForce(provider, "NV-H20", TODAY.plusDays(29)).orElseThrow().version()).isEqualTo(1);
        Offering later = pool.offeringInForce(provider, "NV-H20", TODAY.plusDays(30)).orElseThrow();
        assertThat(later.version()).isEqualTo(2);
        assertThat(later.capacity()).isEqualTo(48);
        assertThat(pool.offeringInForce(provider, "NV-H20", TODAY.plusDays(366))).isEmpty();
        assertThat(pool.offeringInForce(provider, "NO-SUCH", TODAY)).isEmpty();

        assertThat(pool.catalogRows().stream().filter(r -> r.providerUscc().equals(provider))
                .map(CatalogEntry::csvLine).toList())
                .containsExactly(
                        provider + ",NV-H20,compute.other,gpu_hour,1200,32,2025-06-02,2025-07-01",
                        provider + ",NV-H20,compute.other,gpu_hour,1100,48,2025-07-02,2026-06-02");

        // history is kept: the terms of a live row cannot be changed, nor a row deleted
        assertThatThrownBy(() -> jdbc.sql("update pool_offering set reference_price_fen = 1 where id = :id")
                .param("id", v1.id()).update()).hasMessageContaining("a change is a new version");
        assertThatThrownBy(() -> jdbc.sql("delete from pool_offering where id = :id").param("id", v1.id()).update())
                .hasMessageContaining("cannot be deleted");
        // a new version cannot start today (the row in force today must not change)
        assertThatThrownBy(() -> offerings.submitVersion(provider, v2.id(),
                gpu(null, "H20", false, 48, "330108", 900, TODAY, TODAY.plusDays(365)), "p"))
                .isInstanceOf(PoolException.class);
    }

    @Test
    void offersAreRankedByPriceNetOfTheVoucherThenRegionThenFreeCapacity() {
        String enterprise = org("enterprise", "330106");
        String a = org("provider", "330106");
        String b = org("provider", "330108");
        String c = org("provider", "320100");
        String d = org("provider", "330110");
        String model = "MLU-" + a.substring(10);
        // gross per GPU-hour: domestic 1000 → net 700; other 850 → net 680; domestic 980 → net 686
        Offering other = listed(b, gpu("OTHER-1", model, false, 16, "330108", 850, TODAY, TODAY.plusDays(200)));
        Offering domestic = listed(a, gpu("DOM-1", model, true, 16, "330106", 1_000, TODAY, TODAY.plusDays(200)));
        Offering nanjing = listed(c, gpu("DOM-2", model, true, 64, "320100", 980, TODAY, TODAY.plusDays(200)));
        Offering small = listed(d, gpu("DOM-3", model, true, 2, "330110", 500, TODAY, TODAY.plusDays(200)));
        Offering expensive = listed(d, gpu("DOM-4", model, true, 64, "330110", 5_000, TODAY, TODAY.plusDays(200)));

        PoolDemand demand = demands.post(enterprise,
                gpuDemand(model, 8, 100, TODAY.plusDays(1), TODAY.plusDays(30), "330106", false, 600_000), "e");
        Matcher.Ranking ranking = demands.offers(demand);
        assertThat(ranking.quotes()).extracting(q -> q.offer().id())
                .containsExactly(other.id(), nanjing.id(), domestic.id());
        Matcher.Quote first = ranking.quotes().get(0);
        assertThat(first.grossFen()).isEqualTo(8 * 100 * 850);
        assertThat(first.voucherFen()).isEqualTo(8 * 100 * 850 / 5);
        assertThat(first.voucherRatio()).isEqualByComparingTo("0.20");
        assertThat(ranking.quotes().get(2).voucherRatio()).isEqualByComparingTo("0.30");
        assertThat(ranking.tooLittleCapacity()).as("2 GPUs < 8").isEqualTo(1);
        assertThat(ranking.overBudget()).as("5,000 fen × 800 × 0.7 > budget").isEqualTo(1);
        assertThat(small.id()).isNotIn(ranking.quotes().stream().map(q -> q.offer().id()).toList());
        assertThat(expensive.id()).isNotIn(ranking.quotes().stream().map(q -> q.offer().id()).toList());

        // data that must stay in Hangzhou: Nanjing is left out
        PoolDemand local = demands.post(enterprise,
                gpuDemand(model, 8, 100, TODAY.plusDays(1), TODAY.plusDays(30), "330106", true, 600_000), "e");
        assertThat(demands.offers(local).quotes()).extracting(q -> q.offer().id())
                .containsExactly(other.id(), domestic.id());
        assertThat(demands.offers(local).outsideCity()).isEqualTo(1);

        // once 12 of the 16 GPUs of the cheapest are reserved in the window, it no longer fits
        PoolDemand big = demands.post(enterprise,
                gpuDemand(model, 12, 24, TODAY.plusDays(10), TODAY.plusDays(12), "330106", false, 1_000_000), "e");
        contracts.accept(enterprise, big.id(), other.id(), "e");
        Matcher.Ranking after = demands.offers(demand);
        assertThat(after.quotes()).extracting(q -> q.offer().id()).containsExactly(nanjing.id(), domestic.id());
        assertThat(after.tooLittleCapacity()).isEqualTo(2);
    }

    @Test
    void acceptingAnOfferSignsTheContractAndReservesTheCapacity() {
        String enterprise = org("enterprise", "330102");
        String provider = org("provider", "330110");
        Offering offering = listed(provider, gpu("A800-POD", "A800", false, 40, "330110", 2_300, TODAY,
                TODAY.plusDays(365)));
        PoolDemand demand = demands.post(enterprise,
                gpuDemand("A800", 16, 240, TODAY.plusDays(7), TODAY.plusDays(36), "330102", false, 10_000_000), "e");

        PoolContract contract = contracts.accept(enterprise, demand.id(), offering.id(), "e");

        assertThat(contract.contractId()).matches("PC2025-\\d{6}");
        assertThat(contract.enterpriseUscc()).isEqualTo(enterprise);
        assertThat(contract.providerUscc()).isEqualTo(provider);
        assertThat(contract.signedOn()).isEqualTo(TODAY);
        assertThat(contract.startOn()).isEqualTo(TODAY.plusDays(7));
        assertThat(contract.endOn()).isEqualTo(TODAY.plusDays(36));
        assertThat(contract.lines()).singleElement().satisfies(line -> {
            assertThat(line.sku()).isEqualTo("A800-POD");
            assertThat(line.unitPriceFen()).isEqualTo(2_300);
            assertThat(line.quantityMax()).isEqualByComparingTo("3840");
        });
        assertThat(contract.csvRows()).containsExactly(contract.contractId() + "," + enterprise + "," + provider
                + ",2025-06-02,2025-06-09,2025-07-08,A800-POD,2300,3840");
        assertThat(pool.contract(contract.contractId())).contains(contract);
        assertThat(pool.contractsOf(enterprise)).containsExactly(contract);
        assertThat(jdbc.sql("select gpus, start_on, end_on from pool_reservation where contract_id = :c")
                .param("c", contract.contractId())
                .query((rs, n) -> rs.getInt(1) + " " + rs.getObject(2, LocalDate.class) + " " + rs.getObject(3, LocalDate.class))
                .single()).isEqualTo("16 2025-06-09 2025-07-08");
        assertThat(demands.find(demand.id()).orElseThrow().status()).isEqualTo("contracted");
        assertThat(demands.find(demand.id()).orElseThrow().contractId()).isEqualTo(contract.contractId());
        assertThat(jdbc.sql("select count(*) from audit_log where action = 'pool.contract.sign' and subject_id = :c")
                .param("c", contract.contractId()).query(Long.class).single()).isEqualTo(1);

        // the demand is taken; another of 32 GPUs overlapping the window does not fit the 24 left
        assertThatThrownBy(() -> contracts.accept(enterprise, demand.id(), offering.id(), "e"))
                .isInstanceOf(PoolException.class);
        PoolDemand more = demands.post(enterprise,
                gpuDemand("A800", 32, 24, TODAY.plusDays(30), TODAY.plusDays(40), "330102", false, 10_000_000), "e");
        assertThatThrownBy(() -> contracts.accept(enterprise, more.id(), offering.id(), "e"))
                .isInstanceOf(PoolException.class)
                .satisfies(e -> assertThat(((PoolException) e).problems().get(0).code()).isEqualTo("pool.accept.noCapacity"));
        // after the first contract's window, all 40 are free again
        PoolDemand later = demands.post(enterprise,
                gpuDemand("A800", 40, 24, TODAY.plusDays(37), TODAY.plusDays(40), "330102", false, 10_000_000), "e");
        assertThat(contracts.accept(enterprise, later.id(), offering.id(), "e").lines()).hasSize(1);
        assertThat(contracts.contract(contract.contractId())).isPresent();
    }

    @Test
    void concurrentAcceptsNeverHoldMoreGpusThanTheCapacity() throws Exception {
        String enterprise = org("enterprise", "330106");
        String provider = org("provider", "330106");
        Offering offering = listed(provider, gpu("H800-X", "H800", false, 10, "330106", 3_500, TODAY,
                TODAY.plusDays(365)));
        int threads = 12;
        List<PoolDemand> posted = new ArrayList<>();
        for (int k = 0; k < threads; k++) {
            // windows that all share 2025-06-20
            posted.add(demands.post(enterprise, gpuDemand("H800", 4, 24, TODAY.plusDays(10 + k % 3),
                    TODAY.plusDays(18 + k % 5), "330106", false, 100_000_000), "e"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (PoolDemand d : posted) {
            results.add(pool.submit(() -> {
                start.await();
                try {
                    contracts.accept(enterprise, d.id(), offering.id(), "e");
                    return true;
                } catch (PoolException refused) {
                    return false;
                }
            }));
        }
        start.countDown();
        int signed = 0;
        for (Future<Boolean> r : results) {
            signed += r.get(60, TimeUnit.SECONDS) ? 1 : 0;
        }
        pool.shutdown();
        assertThat(signed).as("4 + 4 ≤ 10 < 4 + 4 + 4").isEqualTo(2);
        int peak = jdbc.sql("""
                select coalesce(max(load), 0) from (
                    select day, sum(r.gpus) as load from pool_reservation r
                    cross join lateral generate_series(r.start_on, r.end_on, interval '1 day') as day
                    where r.offering_id = :o group by day) daily
                """).param("o", offering.id()).query(Integer.class).single();
        assertThat(peak).isLessThanOrEqualTo(10);
        assertThat(jdbc.sql("select count(*) from pool_demand where status = 'contracted' and id = any(:ids)")
                .param("ids", posted.stream().map(PoolDemand::id).toArray(Long[]::new))
                .query(Long.class).single()).isEqualTo(2);
    }

    @Test
    void tokenDemandsHaveNoCapacityLimitAndUseTheFiledModelRatio() {
        String enterprise = org("enterprise", "330108");
        String provider = org("provider", "330108");
        Offering service = listed(provider, new Offerings.Draft("DSV3", "model.filed", "DeepSeek-V3", true,
                Offering.MILLION_TOKENS, null, "330108", 800L, TODAY, TODAY.plusDays(365)));
        PoolDemand demand = demands.post(enterprise, new Demands.Form(Offering.MILLION_TOKENS, "DeepSeek-V3", null,
                null, new BigDecimal("1250.5"), TODAY.plusDays(1), TODAY.plusDays(90), "330108", false, 800_000L), "e");
        Matcher.Quote quote = demands.offers(demand).quotes().get(0);
        assertThat(quote.grossFen()).isEqualTo(1_000_400);
        assertThat(quote.voucherFen()).isEqualTo(300_120);
        assertThat(quote.netFen()).isEqualTo(700_280);
        PoolContract contract = contracts.accept(enterprise, demand.id(), service.id(), "e");
        assertThat(contract.lines().get(0).quantityMax()).isEqualByComparingTo("1250.5");
        assertThat(jdbc.sql("select count(*) from pool_reservation where contract_id = :c")
                .param("c", contract.contractId()).query(Long.class).single()).isZero();
    }

    @Test
    void badInputIsRefusedFieldByFieldAndChangesNothing() {
        String provider = org("provider", "330106");
        long before = jdbc.sql("select count(*) from pool_offering").query(Long.class).single();
        assertThatThrownBy(() -> offerings.submit(provider, new Offerings.Draft("bad sku!", "compute.domestic", " ",
                false, Offering.GPU_HOUR, 0, "999999", -5L, TODAY.minusDays(1), TODAY.minusDays(2)), "p"))
                .isInstanceOf(PoolException.class)
                .satisfies(e -> assertThat(((PoolException) e).problems()).extracting(PoolException.Problem::field)
                        .contains("sku", "category", "resourceName", "capacity", "regionCode", "referencePriceYuan",
                                "listedTo", "listedFrom"));
        assertThat(jdbc.sql("select count(*) from pool_offering").query(Long.class).single()).isEqualTo(before);

        String enterprise = org("enterprise", "330106");
        assertThatThrownBy(() -> demands.post(enterprise,
                gpuDemand("H20", 4, 24 * 40, TODAY.plusDays(1), TODAY.plusDays(30), "330106", false, 100), "e"))
                .isInstanceOf(PoolException.class)
                .satisfies(e -> assertThat(((PoolException) e).problems()).extracting(PoolException.Problem::field)
                        .containsExactly("hours"));
        assertThatThrownBy(() -> demands.post(provider,
                gpuDemand("H20", 4, 24, TODAY.plusDays(1), TODAY.plusDays(30), "330106", false, 100), "p"))
                .isInstanceOf(PoolException.class);
    }
}
