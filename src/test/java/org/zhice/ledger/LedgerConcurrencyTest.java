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
}
