package org.zhice.pool;

import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.zhice.shared.Uscc;

/** Organisations in the registry's tables and a fixed clock, for the pool's database tests. */
final class PoolFixtures {

    /** Tests run on 2025-06-02, a Monday, 10:00 in Shanghai. */
    static final LocalDate TODAY = LocalDate.of(2025, 6, 2);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private PoolFixtures() {
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class FixedClock {
        @Bean
        @Primary
        Clock testClock() {
            return Clock.fixed(ZonedDateTime.of(TODAY.atTime(10, 0), ZoneId.of("Asia/Shanghai")).toInstant(),
                    ZoneId.of("Asia/Shanghai"));
        }
    }

    /** A new organisation of this kind in the region, with a valid USCC; returns the USCC. */
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

    static Offerings.Draft gpu(String sku, String resource, boolean domestic, int capacity, String region,
                               long priceFen, LocalDate from, LocalDate to) {
        return new Offerings.Draft(sku, domestic ? "compute.domestic" : "compute.other", resource, domestic,
                Offering.GPU_HOUR, capacity, region, priceFen, from, to);
    }

    static Demands.Form gpuDemand(String resource, int gpus, int hours, LocalDate start, LocalDate end, String region,
                                  boolean localOnly, long budgetFen) {
        return new Demands.Form(Offering.GPU_HOUR, resource, gpus, hours, null, start, end, region, localOnly,
                budgetFen);
    }
}
