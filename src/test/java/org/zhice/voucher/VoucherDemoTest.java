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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    @Autowired Dashboard dashboard;
    @Autowired org.zhice.metering.Metering metering;
    @Autowired java.time.Clock clock;

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
        CpuTime cpu = new CpuTime(jdbc.sql("select pg_backend_pid()").query(Long.class).single());
        long started = System.nanoTime();
        long cpuStarted = cpu.nanos();
        VoucherDemo.Loaded loaded = tx.execute(s -> voucherDemo.load(providers, ordered, parties));
        long millis = (System.nanoTime() - started) / 1_000_000;
        long cpuMillis = (cpu.nanos() - cpuStarted) / 1_000_000;
        System.out.println("voucher demo: " + loaded + " in " + millis + " ms, " + cpuMillis
                + " ms CPU (this thread and PostgreSQL)");
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
        // the year's usage was taken as it arrived, and redeemed: in full, partly (the voucher ran out),
        // taken back by an upheld objection; every 公示 window of the year has closed and been paid
        assertThat(loaded.usageAccepted()).isGreaterThan(200);
        assertThat(loaded.usageRefused()).isZero();
        List<String> redeemed = jdbc.sql("""
                        select distinct stage || ':' || coalesce(status, '') || ':' || reasons from voucher_redemption
                        where program_id = 'hz-2025-compute'""").query(String.class).list();
        assertThat(redeemed).contains("paid:approved:", "paid:partial:RESERVATION_LIMITED",
                "decided:rejected:OBJECTION_UPHELD");
        assertThat(jdbc.sql("""
                        select count(*) from voucher_redemption
                        where program_id = 'hz-2025-compute' and stage = 'notice' and notice_until < date '2026-01-01'""")
                .query(Integer.class).single()).isZero();
        List<String> objected = jdbc.sql("""
                        select distinct o.state from voucher_objection o join voucher_redemption r on r.id = o.redemption_id
                        where r.program_id = 'hz-2025-compute'""").query(String.class).list();
        assertThat(objected).contains("upheld", "dismissed");
        // paid month by month, and a clawback offset against a later subsidy of the same enterprise
        assertThat(jdbc.sql("""
                        select count(distinct date_trunc('month', value_date)) from voucher_disbursement
                        where program_id = 'hz-2025-compute' and value_date < date '2026-01-01'""")
                .query(Integer.class).single()).isGreaterThanOrEqualTo(8);
        assertThat(jdbc.sql("""
                        select count(*) from voucher_clawback c
                        where c.program_id = 'hz-2025-compute' and exists (
                            select 1 from voucher_disbursement_line l
                            join voucher_redemption r on r.id = l.redemption_id
                            join voucher_disbursement d on d.id = l.disbursement_id
                            where r.program_id = c.program_id and r.enterprise_uscc = c.enterprise_uscc
                              and l.offset_fen > 0 and d.value_date >= c.value_date)""")
                .query(Integer.class).single()).isPositive();
        // the dashboard: a year of spending, its totals agreeing with the ledger; the year is closed
        Dashboard.Figures year = dashboard.figures("hz-2025-compute", java.util.Locale.CHINA);
        assertThat(year.grantedFen()).isGreaterThan(year.budgetFen() / 20);
        assertThat(year.paidFen()).isPositive().isLessThanOrEqualTo(year.grantedFen());
        assertThat(year.clawedBackFen()).isPositive();
        assertThat(year.offsetFen()).isPositive();
        assertThat(year.ledgerAvailableFen()).isEqualTo(year.availableFen());
        assertThat(year.paid().stream().distinct().count()).isGreaterThanOrEqualTo(8);
        assertThat(year.forecast().windowClosed()).isTrue();
        assertThat(year.forecast().leftAtWindowEndFen()).isEqualTo(year.availableFen());
        // the live weeks of 2026: vouchers redeemed on usage metering accepted, in public notice or paid
        Dashboard.Figures live = dashboard.figures("hz-2026-compute", java.util.Locale.CHINA);
        assertThat(live.grantedFen()).isPositive();
        assertThat(live.forecast().runsOutOn() != null || live.forecast().leftAtWindowEndFen() > 0
                || live.forecast().windowClosed()).isTrue();
        assertThat(ledger.verify().ok()).isTrue();
        // only the past can be given as the time usage arrived: nobody sends usage from the future,
        // and the late window is judged from that time, as it was then
        assertThatThrownBy(() -> metering.ingestReceivedAt(providers.get(0), List.of(), clock.instant().plusSeconds(60)))
                .isInstanceOf(IllegalArgumentException.class);
        org.zhice.metering.UsageLine sample = jdbc.sql("""
                        select p.provider_uscc, contract_id, sku, start_ns
                        from usage_event e join metering_provider p on p.provider_no = e.provider_no
                        where status = 'accepted' and units > 0 order by usage_id limit 1""")
                .query((rs, n) -> {
                    java.time.Instant start = java.time.Instant.ofEpochSecond(rs.getLong(4) / 1_000_000_000L);
                    return new org.zhice.metering.UsageLine("late-1", rs.getString(1), rs.getString(2), rs.getString(3),
                            1, java.math.BigDecimal.ONE, start, start.plusSeconds(3_600));
                }).single();
        org.zhice.metering.IngestResult late = metering.ingestReceivedAt(sample.providerUscc(), List.of(sample),
                sample.end().plusSeconds(86_400L * 31));
        assertThat(late.results().get(0).code()).isEqualTo("TOO_LATE");
        // fast: CPU time, which other builds on the machine barely move (wall-clock: about 10 s idle)
        assertThat(cpuMillis).isLessThan(12_000);
        assertThat(millis).isLessThan(60_000);
        // loading again changes nothing
        assertThat(tx.execute(s -> voucherDemo.load(providers, ordered, parties)).applications()).isZero();
    }
}
