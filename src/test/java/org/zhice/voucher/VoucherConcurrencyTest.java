package org.zhice.voucher;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.ledger.Account;
import org.zhice.ledger.Ledger;
import org.zhice.policy.ProgramCatalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zhice.voucher.VoucherFixtures.APPROVER;
import static org.zhice.voucher.VoucherFixtures.REVIEWER;

/**
 * 1,000 applications decided at the same time against a pool with room for about 50: the
 * reservations never exceed the budget (on the ledger and in the voucher tables), the pool ends
 * exactly used up, and every application got a decision: approved, at most one partial
 * (BUDGET_LIMITED), the rest rejected BUDGET_EXHAUSTED.
 */
@SpringBootTest
@Import(VoucherFixtures.Clocks.class)
class VoucherConcurrencyTest {

    static final String PROGRAM = "tc-2025-compute";
    static final int APPLICATIONS = 1_000;
    static final int THREADS = 32;
    /** 1,516 元: room for 50 requests of 3,000 fen and part (1,600 fen) of a 51st. */
    static final long BUDGET_YUAN = 1_516;

    @Autowired JdbcClient jdbc;
    @Autowired TransactionTemplate tx;
    @Autowired ProgramCatalog programs;
    @Autowired Applications applications;
    @Autowired Ledger ledger;

    @Test
    void aThousandConcurrentApprovalsNeverOversellThePool() throws Exception {
        VoucherFixtures.storeProgram(programs, PROGRAM, BUDGET_YUAN, 1_000_000, "claim_after_payment");
        long budget = programs.current(PROGRAM).orElseThrow().program().budgetFen();
        List<String[]> parties = new ArrayList<>();
        tx.executeWithoutResult(s -> {
            String provider = VoucherFixtures.organisation(jdbc, "provider", "330110", "并发算力");
            VoucherFixtures.offering(jdbc, provider, "C-910B", "compute.domestic", 1_000, 100_000,
                    LocalDate.of(2025, 1, 1), LocalDate.of(2025, 12, 31));
            jdbc.sql("""
                    insert into voucher_document (sha256, media_type, size_bytes, content, uploaded_by, uploaded_at)
                    values (:sha, 'application/pdf', :size, :content, 'test', now())""")
                    .param("sha", UploadedContracts.sha256(VoucherFixtures.PDF)).param("size", VoucherFixtures.PDF.length)
                    .param("content", VoucherFixtures.PDF).update();
            for (int i = 0; i < APPLICATIONS; i++) {
                String enterprise = VoucherFixtures.organisation(jdbc, "enterprise", "330106", "并发企业" + i);
                String contract = "UC2025-%06d".formatted(900_000 + i);
                jdbc.sql("""
                        insert into voucher_contract (contract_id, enterprise_uscc, provider_uscc, signed_on, start_on,
                            end_on, document_sha256, document_name, created_by, created_at)
                        values (:id, :e, :p, '2025-03-01', '2025-03-01', '2025-09-30', :sha, 'c.pdf', 'test', now())""")
                        .param("id", contract).param("e", enterprise).param("p", provider)
                        .param("sha", UploadedContracts.sha256(VoucherFixtures.PDF)).update();
                // 10 GPU-hours at 10 元: request floor(0.30 × 10,000) = 3,000 fen
                jdbc.sql("""
                        insert into voucher_contract_line (contract_id, sku, unit_price_fen, quantity_max_micros)
                        values (:id, 'C-910B', 1000, 10000000)""").param("id", contract).update();
                parties.add(new String[] {enterprise, contract});
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<String> ids = all(pool, parties.stream().map(p -> (Callable<String>) () ->
                    applications.apply(VoucherFixtures.enterprise(p[0]), PROGRAM, p[1]).id()).toList());
            all(pool, ids.stream().map(id -> (Callable<String>) () ->
                    applications.prepare(REVIEWER, id, "approve", null).stage()).toList());
            long started = System.nanoTime();
            List<String> statuses = all(pool, ids.stream().map(id -> (Callable<String>) () ->
                    applications.decide(APPROVER, id, true, null).status()).toList());
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("%d concurrent decisions in %d ms%n", APPLICATIONS, millis);
            assertThat(statuses).hasSize(APPLICATIONS).allMatch(s -> List.of("approved", "partial", "rejected").contains(s));
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }

        Map<String, Long> byStatus = jdbc.sql("""
                        select status, count(*) from voucher_application where program_id = :p group by status""")
                .param("p", PROGRAM)
                .query((rs, n) -> Map.entry(rs.getString(1) == null ? "none" : rs.getString(1), rs.getLong(2)))
                .list().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(byStatus.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(APPLICATIONS);
        assertThat(byStatus).doesNotContainKey("none");
        long reserved = jdbc.sql("select coalesce(sum(reservation_fen), 0) from voucher_application where program_id = :p")
                .param("p", PROGRAM).query(Long.class).single();
        assertThat(reserved).isEqualTo(budget);
        assertThat(byStatus.get("approved")).isEqualTo(budget / 3_000);
        assertThat(byStatus.getOrDefault("partial", 0L)).isEqualTo(budget % 3_000 == 0 ? 0 : 1);
        assertThat(jdbc.sql("""
                        select count(*) from voucher_application
                        where program_id = :p and status = 'rejected' and reasons <> 'BUDGET_EXHAUSTED'""")
                .param("p", PROGRAM).query(Long.class).single()).isZero();
        assertThat(jdbc.sql("""
                        select count(*) from voucher_application
                        where program_id = :p and status = 'partial' and reasons <> 'BUDGET_LIMITED'""")
                .param("p", PROGRAM).query(Long.class).single()).isZero();

        Account budgetPool = ledger.balances(VoucherAccounts.budgetPool(PROGRAM)).orElseThrow();
        assertThat(budgetPool.creditsPostedFen()).isEqualTo(budget);
        assertThat(budgetPool.debitsPendingFen()).isEqualTo(reserved);
        assertThat(budgetPool.headroomFen()).isZero();
        long enterprisesReserved = ledger.accounts(PROGRAM).stream()
                .filter(a -> a.code().equals("ENTERPRISE_RESERVED"))
                .mapToLong(Account::creditsPendingFen).sum();
        assertThat(enterprisesReserved).isEqualTo(reserved);
        assertThat(ledger.verify().ok()).isTrue();
    }

    private static <T> List<T> all(ExecutorService pool, List<Callable<T>> tasks) throws Exception {
        List<Future<T>> futures = pool.invokeAll(tasks);
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get());
        }
        return results;
    }
}
