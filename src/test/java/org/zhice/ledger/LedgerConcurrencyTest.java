package org.zhice.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Many threads hammer one hot budget pool whose budget is far below the demand: reservations,
 * grants (partial posts), releases (voids) and payments, some through the group-commit writer
 * and some inside the callers' own transactions. The pool is never overspent, every fen is
 * accounted for, and the journal verifies.
 */
@SpringBootTest
class LedgerConcurrencyTest {

    static final String PROGRAM = "hot-pool";
    static final int THREADS = 32;
    static final int ROUNDS = 120;
    static final long BUDGET_FEN = 1_000_000;

    @Autowired
    Ledger ledger;
    @Autowired
    PlatformTransactionManager transactionManager;

    @Test
    void manyThreadsNeverOverspendOneHotPool() throws Exception {
        UUID funding = AccountRequest.idFor(PROGRAM, "FUNDING", "office");
        UUID pool = AccountRequest.idFor(PROGRAM, "BUDGET_POOL", "office");
        UUID bank = AccountRequest.idFor(PROGRAM, "BANK", "office");
        List<AccountRequest> chart = new ArrayList<>(List.of(AccountRequest.of(PROGRAM, AccountCode.FUNDING, "office"),
                AccountRequest.of(PROGRAM, AccountCode.BUDGET_POOL, "office"),
                AccountRequest.of(PROGRAM, AccountCode.BANK, "office")));
        for (int e = 0; e < THREADS; e++) {
            chart.add(AccountRequest.of(PROGRAM, AccountCode.ENTERPRISE_RESERVED, "91330100MA27XK%04d".formatted(e)));
        }
        assertThat(ledger.createAccounts(chart)).allMatch(AccountResult::succeeded);
        assertThat(ledger.post(List.of(TransferRequest.single(UUID.randomUUID(), funding, pool, BUDGET_FEN,
                "APPROPRIATION", "policy.program", PROGRAM))).get(0).code()).isEqualTo(ResultCode.OK);

        AtomicLong granted = new AtomicLong();
        AtomicLong paid = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        TransactionTemplate tx = new TransactionTemplate(transactionManager);
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> runs = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            UUID enterprise = chart.get(3 + t).id();
            Random random = new Random(t);
            boolean inline = t % 4 == 0;
            runs.add(threads.submit(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    UUID reservation = UUID.randomUUID();
                    long amount = 1 + random.nextInt(20_000);
                    List<TransferRequest> reserve = List.of(TransferRequest.pending(reservation, pool, enterprise,
                            amount, "RESERVATION", "voucher.application", reservation.toString()));
                    // a quarter of the threads post inside their own transaction, the others via the writer
                    List<TransferResult> results = inline ? tx.execute(s -> ledger.post(reserve)) : ledger.post(reserve);
                    ResultCode code = results.get(0).code();
                    assertThat(code).isIn(ResultCode.OK, ResultCode.EXCEEDS_CREDITS);
                    if (code != ResultCode.OK) {
                        refused.incrementAndGet();
                        continue;
                    }
                    switch (random.nextInt(3)) {
                        case 0 -> assertThat(ledger.post(List.of(TransferRequest.voidPending(UUID.randomUUID(), reservation)))
                                .get(0).code()).isEqualTo(ResultCode.OK);
                        case 1 -> {
                            // grant part, and pay it out in the same linked chain
                            long grant = 1 + random.nextInt((int) amount);
                            List<TransferResult> r = ledger.post(List.of(
                                    TransferRequest.post(UUID.randomUUID(), reservation, grant).linkedToNext(),
                                    TransferRequest.single(UUID.randomUUID(), enterprise, bank, grant, "PAYMENT",
                                            "voucher.payment", reservation.toString())));
                            assertThat(r).extracting(TransferResult::code).containsOnly(ResultCode.OK);
                            granted.addAndGet(grant);
                            paid.addAndGet(grant);
                        }
                        default -> { } // stays reserved
                    }
                }
                return null;
            }));
        }
        for (Future<?> run : runs) {
            run.get();
        }
        threads.shutdown();

        Account p = ledger.balances(pool).orElseThrow();
        assertThat(p.creditsPostedFen()).isEqualTo(BUDGET_FEN);
        assertThat(p.debitsPendingFen() + p.debitsPostedFen()).isLessThanOrEqualTo(BUDGET_FEN);
        assertThat(p.debitsPostedFen()).isEqualTo(granted.get());
        assertThat(refused.get()).as("demand exceeds the budget, so some reservations are refused").isPositive();
        long reservedByEnterprises = 0;
        long postedToEnterprises = 0;
        for (int e = 0; e < THREADS; e++) {
            Account a = ledger.balances(chart.get(3 + e).id()).orElseThrow();
            reservedByEnterprises += a.creditsPendingFen();
            postedToEnterprises += a.creditsPostedFen();
            assertThat(a.debitsPostedFen()).isLessThanOrEqualTo(a.creditsPostedFen());
        }
        assertThat(reservedByEnterprises).isEqualTo(p.debitsPendingFen());
        assertThat(postedToEnterprises).isEqualTo(granted.get());
        assertThat(ledger.balances(bank).orElseThrow().creditsPostedFen()).isEqualTo(paid.get());
        assertThat(ledger.verify().problems()).isEmpty();
    }

    /**
     * The writer commits two batches at once (one copies its rows while the one before it
     * commits). Callers keep many submissions in flight: each reservation is sent twice, its
     * partial post follows at once (often in the next batch, decided before the reservation has
     * committed), and now and then an id committed long ago comes back, which makes a batch fail
     * at commit and sends it and the batch decided on top of it back through the safe path.
     * Every answer is the one a one-at-a-time ledger would give, and the books add up.
     */
    @Test
    void pipelinedCommitsAnswerAsIfOneAtATime() throws Exception {
        String program = "pipe-pool";
        UUID funding = AccountRequest.idFor(program, "FUNDING", "office");
        UUID pool = AccountRequest.idFor(program, "BUDGET_POOL", "office");
        int threads = 8;
        int rounds = 300;
        List<AccountRequest> chart = new ArrayList<>(List.of(AccountRequest.of(program, AccountCode.FUNDING, "office"),
                AccountRequest.of(program, AccountCode.BUDGET_POOL, "office")));
        for (int e = 0; e < threads; e++) {
            chart.add(AccountRequest.of(program, AccountCode.ENTERPRISE_RESERVED, "91330100MA27XP%04d".formatted(e)));
        }
        assertThat(ledger.createAccounts(chart)).allMatch(AccountResult::succeeded);
        assertThat(ledger.post(List.of(TransferRequest.single(UUID.randomUUID(), funding, pool, 1_000_000_000L,
                "APPROPRIATION", "policy.program", program))).get(0).code()).isEqualTo(ResultCode.OK);
        BatchWriter.Stats before = ledger.writerStats();

        AtomicLong granted = new AtomicLong();
        ExecutorService pool8 = Executors.newFixedThreadPool(threads);
        List<Future<?>> runs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            UUID enterprise = chart.get(2 + t).id();
            Random random = new Random(100 + t);
            runs.add(pool8.submit(() -> {
                List<TransferRequest> committed = new ArrayList<>();
                record Expect(java.util.concurrent.CompletableFuture<List<TransferResult>> answer, ResultCode code) {
                }
                java.util.ArrayDeque<Expect> waiting = new java.util.ArrayDeque<>();
                for (int i = 0; i < rounds; i++) {
                    UUID reservation = UUID.randomUUID();
                    long amount = 1 + random.nextInt(50_000);
                    long grant = 1 + random.nextInt((int) amount);
                    TransferRequest reserve = TransferRequest.pending(reservation, pool, enterprise, amount,
                            "RESERVATION", "voucher.application", reservation.toString());
                    TransferRequest post = TransferRequest.post(UUID.randomUUID(), reservation, grant);
                    waiting.add(new Expect(ledger.postAsync(List.of(reserve)), ResultCode.OK));
                    waiting.add(new Expect(ledger.postAsync(List.of(reserve)), ResultCode.EXISTS));
                    waiting.add(new Expect(ledger.postAsync(List.of(post)), ResultCode.OK));
                    waiting.add(new Expect(ledger.postAsync(List.of(post)), ResultCode.EXISTS));
                    granted.addAndGet(grant);
                    if (i % 10 == 9 && !committed.isEmpty()) {
                        // a client that lost an old answer retries it
                        TransferRequest old = committed.get(random.nextInt(committed.size()));
                        waiting.add(new Expect(ledger.postAsync(List.of(old)), ResultCode.EXISTS));
                    }
                    while (waiting.size() > 160) {
                        Expect e = waiting.poll();
                        assertThat(e.answer().get().get(0).code()).isEqualTo(e.code());
                    }
                    if (i >= 3) {
                        committed.add(reserve);
                    }
                }
                for (Expect e : waiting) {
                    assertThat(e.answer().get().get(0).code()).isEqualTo(e.code());
                }
                return null;
            }));
        }
        for (Future<?> run : runs) {
            run.get();
        }
        pool8.shutdown();

        Account p = ledger.balances(pool).orElseThrow();
        assertThat(p.debitsPendingFen()).isZero();
        assertThat(p.debitsPostedFen()).isEqualTo(granted.get());
        long postedToEnterprises = 0;
        for (int e = 0; e < threads; e++) {
            Account a = ledger.balances(chart.get(2 + e).id()).orElseThrow();
            assertThat(a.creditsPendingFen()).isZero();
            postedToEnterprises += a.creditsPostedFen();
        }
        assertThat(postedToEnterprises).isEqualTo(granted.get());
        assertThat(ledger.verify().problems()).isEmpty();
        BatchWriter.Stats after = ledger.writerStats();
        assertThat(after.overlapped() - before.overlapped())
                .as("batches that copied their rows while the one before them committed").isPositive();
        assertThat(after.redone() - before.redone())
                .as("batches sent back to the safe path by a retried old id").isPositive();
    }
}
