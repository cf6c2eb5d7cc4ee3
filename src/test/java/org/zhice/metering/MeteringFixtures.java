package org.zhice.metering;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.shared.Uscc;

/**
 * Organisations, catalog rows and contracts in the registry's and the pool's tables, a fixed
 * clock, and usage lines as NDJSON, for metering's database tests. Each test makes its own
 * providers and contracts, so tests sharing a database do not see each other's usage.
 */
final class MeteringFixtures {

    /** Tests run on 2025-03-20, 10:00 in Shanghai: the worked example's March events are 15 days old. */
    static final ZonedDateTime NOW = ZonedDateTime.of(2025, 3, 20, 10, 0, 0, 0, ZoneId.of("Asia/Shanghai"));
    static final LocalDate TODAY = NOW.toLocalDate();
    private static final AtomicInteger SEQUENCE = new AtomicInteger(500);

    private MeteringFixtures() {
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class FixedClock {
        @Bean
        @Primary
        Clock testClock() {
            return Clock.fixed(NOW.toInstant(), NOW.getZone());
        }
    }

    /** A new organisation of this kind (enterprise, provider) with a valid USCC; returns the USCC. */
    static String organisation(TransactionTemplate tx, JdbcClient jdbc, String kind) {
        String uscc = Uscc.withCheckCharacter("91330106" + "%09d".formatted(SEQUENCE.incrementAndGet()));
        tx.executeWithoutResult(s -> {
            OffsetDateTime now = NOW.toOffsetDateTime();
            jdbc.sql("insert into party (id, kind) values (:id, 'organisation')").param("id", uscc).update();
            jdbc.sql("""
                    insert into organisation (uscc, name, kind, region_code, created_at, updated_at)
                    values (:uscc, :name, :kind, '330106', :now, :now)
                    """)
                    .param("uscc", uscc).param("name", kind + " " + uscc.substring(8, 17)).param("kind", kind)
                    .param("now", now).update();
        });
        return uscc;
    }

    /** An approved catalog row: a domestic GPU SKU with a capacity, or a token service (capacity null). */
    static long offering(JdbcClient jdbc, String provider, String sku, Integer capacity, long referencePriceFen,
                         LocalDate from, LocalDate to) {
        boolean gpu = capacity != null;
        return jdbc.sql("""
                insert into pool_offering (provider_uscc, sku, version, category, resource_name, domestic, unit, capacity,
                    region_code, reference_price_fen, listed_from, listed_to, status, submitted_by, submitted_at,
                    reviewed_by, reviewed_at)
                values (:p, :sku, 1, :category, :resource, :domestic, :unit, :capacity, '330106', :price, :from, :to,
                    'approved', 'test', :at, 'test', :at)
                returning id
                """)
                .param("p", provider).param("sku", sku).param("category", gpu ? "compute.domestic" : "model.filed")
                .param("resource", gpu ? "GPU" : "Model").param("domestic", gpu)
                .param("unit", gpu ? "gpu_hour" : "million_tokens").param("capacity", capacity)
                .param("price", referencePriceFen).param("from", from).param("to", to)
                .param("at", NOW.toOffsetDateTime())
                .query(Long.class).single();
    }

    /** A one-line contract signed on the platform, as the pool writes it (with the demand it answers). */
    static void contract(JdbcClient jdbc, String id, String enterprise, String provider, LocalDate signedOn,
                         LocalDate startOn, LocalDate endOn, String sku, long offeringId, long unitPriceFen,
                         String quantityMax, boolean gpu) {
        long demand = jdbc.sql("""
                insert into pool_demand (enterprise_uscc, unit, resource_name, gpus, hours, million_tokens, start_on,
                    end_on, region_code, local_only, budget_fen, status, created_by, created_at)
                values (:e, :unit, 'x', :gpus, :hours, :tokens, :from, :to, '330106', false, 100000000, 'contracted',
                    'test', :at)
                returning id
                """)
                .param("e", enterprise).param("unit", gpu ? "gpu_hour" : "million_tokens")
                .param("gpus", gpu ? 1 : null).param("hours", gpu ? 1 : null)
                .param("tokens", gpu ? null : BigDecimal.ONE).param("from", startOn).param("to", endOn)
                .param("at", NOW.toOffsetDateTime())
                .query(Long.class).single();
        jdbc.sql("""
                insert into pool_contract (contract_id, enterprise_uscc, provider_uscc, signed_on, start_on, end_on,
                    demand_id, created_by, created_at)
                values (:id, :e, :p, :signed, :from, :to, :demand, 'test', :at)
                """)
                .param("id", id).param("e", enterprise).param("p", provider).param("signed", signedOn)
                .param("from", startOn).param("to", endOn).param("demand", demand).param("at", NOW.toOffsetDateTime())
                .update();
        jdbc.sql("""
                insert into pool_contract_line (contract_id, sku, offering_id, unit_price_fen, quantity_max)
                values (:id, :sku, :o, :price, :q)
                """)
                .param("id", id).param("sku", sku).param("o", offeringId).param("price", unitPriceFen)
                .param("q", new BigDecimal(quantityMax)).update();
    }

    /** One event as a spec §2 NDJSON line; {@code units} and {@code adjusts} left out when null. */
    static String event(String eventId, String provider, String contract, String sku, Integer units, String quantity,
                        String start, String end, String adjusts) {
        return "{\"event_id\":\"" + eventId + "\",\"provider_uscc\":\"" + provider + "\",\"contract_id\":\"" + contract
                + "\",\"sku\":\"" + sku + "\"" + (units == null ? "" : ",\"units\":" + units)
                + ",\"quantity\":\"" + quantity + "\",\"start\":\"" + start + "\",\"end\":\"" + end + "\""
                + (adjusts == null ? "" : ",\"adjusts\":\"" + adjusts + "\"") + "}";
    }

    static String event(String eventId, String provider, String contract, String sku, Integer units, String quantity,
                        String start, String end) {
        return event(eventId, provider, contract, sku, units, quantity, start, end, null);
    }

    static byte[] ndjson(List<String> lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A provider, an enterprise, and the worked example's catalog and contract C1 (GPU-A × 100 at 1,200, reference 1,000, 8 GPUs). */
    record World(String provider, String enterprise, String gpuContract, String tokenContract, long gpuOffering,
                 long tokenOffering) {

        static World create(TransactionTemplate tx, JdbcClient jdbc, String prefix) {
            String provider = organisation(tx, jdbc, "provider");
            String enterprise = organisation(tx, jdbc, "enterprise");
            long[] ids = new long[2];
            tx.executeWithoutResult(s -> {
                ids[0] = offering(jdbc, provider, "GPU-A", 8, 1_000, LocalDate.of(2025, 1, 1),
                        LocalDate.of(2025, 12, 31));
                ids[1] = offering(jdbc, provider, "TOK", null, 500, LocalDate.of(2025, 1, 1),
                        LocalDate.of(2025, 12, 31));
                contract(jdbc, prefix + "-C1", enterprise, provider, LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 1),
                        LocalDate.of(2025, 6, 30), "GPU-A", ids[0], 1_200, "100", true);
                contract(jdbc, prefix + "-C2", enterprise, provider, LocalDate.of(2025, 3, 2), LocalDate.of(2025, 3, 2),
                        LocalDate.of(2025, 6, 30), "TOK", ids[1], 400, "200", false);
            });
            return new World(provider, enterprise, prefix + "-C1", prefix + "-C2", ids[0], ids[1]);
        }

        String gpu(String eventId, int units, String quantity, String start, String end) {
            return event(eventId, provider, gpuContract, "GPU-A", units, quantity, start, end);
        }

        String tokens(String eventId, String quantity, String start, String end) {
            return event(eventId, provider, tokenContract, "TOK", null, quantity, start, end);
        }
    }
}
