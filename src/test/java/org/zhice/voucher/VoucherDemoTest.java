package org.zhice.voucher;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.ledger.Ledger;
import org.zhice.policy.ProgramCatalog;
import org.zhice.pool.PoolDemo;
import org.zhice.registry.RegistryDemo;

import static org.assertj.core.api.Assertions.assertThat;

/** The voucher demo loads after the registry, programs and pool demos, fast, with every kind of case. */
@SpringBootTest
class VoucherDemoTest {

    @Autowired RegistryDemo registryDemo;
    @Autowired ProgramCatalog programs;
    @Autowired PoolDemo poolDemo;
    @Autowired VoucherDemo voucherDemo;
    @Autowired JdbcClient jdbc;
    @Autowired TransactionTemplate tx;
    @Autowired Ledger ledger;

    @Test
    void aYearOfTheHangzhouProgramLoadsInSeconds() {
        RegistryDemo.DemoParties parties = registryDemo.load();
        assertThat(programs.loadPresets().ok()).isTrue();
        List<String> providers = jdbc.sql("select uscc from organisation where kind = 'provider' order by uscc")
                .query(String.class).list();
        List<String> enterprises = jdbc.sql("select uscc from organisation where kind = 'enterprise' order by uscc")
                .query(String.class).list();
        List<String> ordered = new java.util.ArrayList<>(enterprises);
        ordered.remove(parties.showcaseEnterprise());
        ordered.add(0, parties.showcaseEnterprise());
        poolDemo.load(providers, ordered);
        long started = System.nanoTime();
        VoucherDemo.Loaded loaded = tx.execute(s -> voucherDemo.load(providers, ordered, parties));
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("voucher demo: " + loaded + " in " + millis + " ms");
        assertThat(millis).isLessThan(15_000);
        assertThat(loaded.applications()).isGreaterThanOrEqualTo(VoucherDemo.APPLICATIONS);
        List<String> outcomes = jdbc.sql("""
                        select distinct coalesce(status, stage) || ':' || reasons from voucher_application
                        where program_id = 'hz-2025-compute'""").query(String.class).list();
        System.out.println(outcomes);
        assertThat(outcomes).contains("approved:", "rejected:RELATED_PARTY", "rejected:SIGNED_OUTSIDE_PERIOD",
                "rejected:CONTRACT_TERM_TOO_LONG", "rejected:PROVIDER_NOT_LISTED", "rejected:DUPLICATE_APPLICATION",
                "partial:CAP_LIMITED", "rejected:ENTERPRISE_CAP_REACHED", "rejected:REVIEW_REJECTED");
        long reserved = jdbc.sql("select sum(reservation_fen) from voucher_application where program_id = 'hz-2025-compute'")
                .query(Long.class).single();
        assertThat(reserved).isGreaterThan(25_000_000_000L / 4);
        System.out.println(jdbc.sql("select stage || ':' || coalesce(status, '') || ':' || reasons || ' ' || count(*)"
                        + " from voucher_redemption group by stage, status, reasons")
                .query(String.class).list());
        // the live weeks of 2026: vouchers redeemed on usage metering accepted, in public notice or paid
        assertThat(loaded.usageAccepted()).isPositive();
        assertThat(loaded.redemptions()).isPositive();
        assertThat(ledger.verify().ok()).isTrue();
        // loading again changes nothing
        assertThat(tx.execute(s -> voucherDemo.load(providers, ordered, parties)).applications()).isZero();
    }
}
