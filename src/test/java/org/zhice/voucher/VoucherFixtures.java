package org.zhice.voucher;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.zhice.identity.Role;
import org.zhice.policy.ProgramCatalog;
import org.zhice.shared.Uscc;

/**
 * Test data for the voucher flow: organisations, people and relations in the registry's tables,
 * catalog rows in the pool's, a test program, and a clock the test moves.
 */
final class VoucherFixtures {

    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    static final byte[] PDF = "%PDF-1.4\n% a signed contract\n".getBytes(StandardCharsets.US_ASCII);
    private static final AtomicInteger SEQUENCE = new AtomicInteger(5000);

    private VoucherFixtures() {
    }

    /** A clock the test sets; every bean that asks for the time asks this one. */
    static final class MovableClock extends Clock {
        private final AtomicReference<Instant> now;

        MovableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void set(LocalDateTime shanghai) {
            now.set(shanghai.atZone(SHANGHAI).toInstant());
        }

        @Override
        public ZoneId getZone() {
            return SHANGHAI;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Clocks {
        @Bean
        @Primary
        MovableClock testClock() {
            return new MovableClock(LocalDateTime.of(2025, 3, 3, 10, 0).atZone(SHANGHAI).toInstant());
        }
    }

    static String organisation(JdbcClient jdbc, String kind, String regionCode, String name) {
        String uscc = Uscc.withCheckCharacter("91" + regionCode + "%09d".formatted(SEQUENCE.incrementAndGet()));
        OffsetDateTime now = OffsetDateTime.now();
        jdbc.sql("insert into party (id, kind) values (:id, 'organisation')").param("id", uscc).update();
        jdbc.sql("""
                insert into organisation (uscc, name, kind, region_code, created_at, updated_at)
                values (:uscc, :name, :kind, :region, :now, :now)
                """)
                .param("uscc", uscc).param("name", name).param("kind", kind).param("region", regionCode)
                .param("now", now)
                .update();
        return uscc;
    }

    static String person(JdbcClient jdbc, String name) {
        String id = "P:t" + SEQUENCE.incrementAndGet();
        jdbc.sql("insert into party (id, kind) values (:id, 'person')").param("id", id).update();
        jdbc.sql("insert into person (person_id, name, created_at, updated_at) values (:id, :name, now(), now())")
                .param("id", id).param("name", name).update();
        return id;
    }

    static void relation(JdbcClient jdbc, String a, String b, String type) {
        jdbc.sql("insert into party_relation (party_a, party_b, type, created_at) values (:a, :b, :t, now())")
                .param("a", a).param("b", b).param("t", type).update();
    }

    /** An approved catalog row of the pool. */
    static void offering(JdbcClient jdbc, String provider, String sku, String category, long referencePriceFen,
                         Integer capacity, LocalDate from, LocalDate to) {
        boolean gpu = capacity != null;
        jdbc.sql("""
                insert into pool_offering (provider_uscc, sku, version, category, resource_name, domestic, unit, capacity,
                    region_code, reference_price_fen, listed_from, listed_to, status, submitted_by, submitted_at,
                    reviewed_by, reviewed_at)
                values (:p, :sku, 1, :c, :sku, :domestic, :unit, :cap, '330110', :price, :from, :to, 'approved', 'test',
                    now(), 'test', now())
                """)
                .param("p", provider).param("sku", sku).param("c", category)
                .param("domestic", !"compute.other".equals(category)).param("unit", gpu ? "gpu_hour" : "million_tokens")
                .param("cap", capacity).param("price", referencePriceFen).param("from", from).param("to", to)
                .update();
    }

    static String program(String id, long budgetYuan, long capYuan, String mode) {
        return """
                id: %s
                name: 测试算力券 %s
                funder: 测试局
                region_prefix: "3301"
                period: { start: 2025-01-01, end: 2025-12-31 }
                application_window: { start: 2025-01-01, end: 2025-12-31 }
                budget_yuan: %d
                per_enterprise_cap_yuan: %d
                categories:
                  compute.domestic: 0.30
                  compute.other: 0.20
                  model.filed: 0.30
                contract_term_days_max: 366
                cap_price_at_reference: true
                exclude_related_parties: true
                notice_working_days: 5
                redemption_mode: %s
                """.formatted(id, id, budgetYuan, capYuan, mode);
    }

    static void storeProgram(ProgramCatalog catalog, String id, long budgetYuan, long capYuan, String mode) {
        ProgramCatalog.StoreResult result = catalog.store(id + ".yaml", program(id, budgetYuan, capYuan, mode), "test");
        if (!(result instanceof ProgramCatalog.Stored)) {
            throw new IllegalStateException("test program refused: " + result);
        }
    }

    static Actor enterprise(String uscc) {
        return new Actor("ent-" + uscc.substring(10), Role.ENTERPRISE, uscc);
    }

    static Actor provider(String uscc) {
        return new Actor("prov-" + uscc.substring(10), Role.PROVIDER, uscc);
    }

    static final Actor REVIEWER = new Actor("reviewer-1", Role.REVIEWER, null);
    static final Actor APPROVER = new Actor("approver-1", Role.APPROVER, null);
    static final Actor APPROVER_2 = new Actor("approver-2", Role.APPROVER, null);
    static final Actor OFFICE = new Actor("office-1", Role.PROGRAM_OFFICE, null);
}
