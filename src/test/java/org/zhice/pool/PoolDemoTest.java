package org.zhice.pool;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.zhice.registry.RegistryDemo;

import static org.assertj.core.api.Assertions.assertThat;

/** The pool's demo data on top of the registry's: realistic, approved, contracted, idempotent, fast. */
@SpringBootTest(properties = "zhice.test.context=pool-demo") // its own context: an empty pool to start from
@Import(PoolFixtures.FixedClock.class)
class PoolDemoTest {

    @Autowired RegistryDemo registryDemo;
    @Autowired PoolDemo poolDemo;
    @Autowired ComputePool pool;
    @Autowired Demands demands;
    @Autowired JdbcClient jdbc;

    @Test
    void listsOfferingsForEveryProviderWithDemandsAndContracts() {
        RegistryDemo.DemoParties parties = registryDemo.load();
        List<String> providers = jdbc.sql("select uscc from organisation where kind = 'provider' order by uscc")
                .query(String.class).list();
        List<String> enterprises = new java.util.ArrayList<>(List.of(parties.showcaseEnterprise()));
        enterprises.addAll(jdbc.sql("select uscc from organisation where kind = 'enterprise' and uscc <> :s order by uscc")
                .param("s", parties.showcaseEnterprise()).query(String.class).list());

        long started = System.nanoTime();
        PoolDemo.Loaded loaded = poolDemo.load(providers, enterprises);
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(millis).as("demo load time").isLessThan(15_000);
        assertThat(loaded.contracts()).isGreaterThan(20);
        assertThat(loaded.demands()).isGreaterThan(loaded.contracts());
        Map<String, Long> skusInForce = pool.catalogRows().stream()
                .filter(r -> !r.listedFrom().isAfter(PoolFixtures.TODAY) && !r.listedTo().isBefore(PoolFixtures.TODAY))
                .collect(Collectors.groupingBy(CatalogEntry::providerUscc, Collectors.counting()));
        assertThat(skusInForce.keySet()).containsExactlyInAnyOrderElementsOf(providers);
        assertThat(skusInForce.values()).allSatisfy(n -> assertThat(n).isBetween(3L, 6L));
        assertThat(pool.catalogRows()).allSatisfy(r -> assertThat(r.category()).isEqualTo(switch (r.unit()) {
            case "million_tokens" -> "model.filed";
            default -> r.sku().startsWith("NV-") ? "compute.other" : "compute.domestic";
        }));
        assertThat(pool.catalogRows()).extracting(CatalogEntry::sku).contains("ASCEND-910B", "DEEPSEEK-V3");
        assertThat(pool.contractsOf(parties.showcaseEnterprise())).isNotEmpty();
        assertThat(demands.of(parties.showcaseEnterprise(), 10)).anyMatch(PoolDemand::open);
        assertThat(jdbc.sql("select count(*) from pool_offering where status = 'pending'").query(Long.class).single())
                .isEqualTo(2);
        // every contract line's SKU was listed on the signing day
        for (String e : enterprises.subList(0, 10)) {
            pool.contractsOf(e).forEach(c -> c.lines().forEach(l ->
                    assertThat(pool.offeringInForce(c.providerUscc(), l.sku(), c.signedOn())).isPresent()));
        }

        assertThat(poolDemo.load(providers, enterprises)).isEqualTo(new PoolDemo.Loaded(0, 0, 0));
    }
}
