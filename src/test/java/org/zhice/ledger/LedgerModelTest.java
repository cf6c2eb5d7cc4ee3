package org.zhice.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Thousands of random operation sequences against the real ledger on PostgreSQL and against
 * {@link LedgerModel}; every result code, every returned transfer id and every balance must agree.
 * Sequences run 64 at a time, so the writer groups many of them into one batch and commit —
 * the model knows nothing of batching, so any leak between grouped callers shows as a mismatch.
 */
@SpringBootTest
class LedgerModelTest {

    static final long SEED = Long.getLong("ledger.model.seed", 20_250_401L);
    static final int SEQUENCES = Integer.getInteger("ledger.model.sequences", 1_500);
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    @Autowired
    Ledger ledger;

    final Set<ResultCode> seen = ConcurrentHashMap.newKeySet();

    @Test
    void theLedgerAgreesWithTheModelOnEveryResultAndBalance() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int s = 0; s < SEQUENCES; s++) {
                long seed = SEED * 31 + s;
                int sequence = s;
                runs.add(pool.submit(() -> {
                    runSequence(sequence, new Random(seed));
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ledger.verify().problems()).isEmpty();
        // the generator reaches every outcome a caller can cause
        assertThat(seen).containsAll(EnumSet.of(ResultCode.OK, ResultCode.EXISTS, ResultCode.EXISTS_WITH_DIFFERENT_BODY,
                ResultCode.IDEMPOTENCY_KEY_CONFLICT, ResultCode.LINKED_EVENT_FAILED, ResultCode.LINKED_EVENT_CHAIN_OPEN,
                ResultCode.AMOUNT_MUST_BE_POSITIVE, ResultCode.SAME_ACCOUNT, ResultCode.ACCOUNT_NOT_FOUND,
                ResultCode.PERIOD_CLOSED, ResultCode.PENDING_NOT_FOUND, ResultCode.PENDING_TRANSFER_NOT_PENDING,
                ResultCode.PENDING_ALREADY_POSTED, ResultCode.PENDING_ALREADY_VOIDED,
                ResultCode.POST_AMOUNT_EXCEEDS_PENDING, ResultCode.EXCEEDS_CREDITS, ResultCode.EXCEEDS_DEBITS,
                ResultCode.VALUE_DATE_IN_FUTURE, ResultCode.CODE_INVALID, ResultCode.PENDING_ACCOUNTS_DIFFER));
    }

    private void runSequence(int sequence, Random random) {
        String program = "model-" + sequence + "-" + Long.toHexString(random.nextLong() & 0xFFFFFFL);
        LedgerModel model = new LedgerModel();
        // the chart, plus an account with the mirror limit and one of another program
        List<AccountRequest> requests = List.of(
                AccountRequest.of(program, AccountCode.FUNDING, "office"),
                AccountRequest.of(program, AccountCode.BUDGET_POOL, "office"),
                AccountRequest.of(program, AccountCode.ENTERPRISE_RESERVED, "91330100MA27XK1A2B"),
                AccountRequest.of(program, AccountCode.ENTERPRISE_RESERVED, "91330100MA27XK1C3D"),
                AccountRequest.of(program, AccountCode.RECEIVABLE, "91330100MA27XK1A2B"),
                AccountRequest.of(program + "-x", AccountCode.BANK, "office"));
        assertThat(ledger.createAccounts(requests)).allMatch(AccountResult::succeeded);
        requests.forEach(r -> model.account(r.id(), r.programId(), r.debitsMustNotExceedCredits(),
                r.creditsMustNotExceedDebits()));
        List<UUID> accounts = new ArrayList<>(requests.stream().map(AccountRequest::id).toList());
        accounts.add(UUID.randomUUID()); // never created
        List<TransferRequest> history = new ArrayList<>();
        LocalDate today = LocalDate.now(ZONE);

        // fund the pool, so that reservations mostly fit but sometimes do not
        long budget = 2_000 + random.nextInt(8_000);
        step(model, List.of(TransferRequest.single(UUID.randomUUID(), accounts.get(0), accounts.get(1), budget,
                "APPROPRIATION", "policy.program", program)), today, history);

        int batches = 3 + random.nextInt(6);
        for (int b = 0; b < batches; b++) {
            if (random.nextInt(12) == 0 && !model.closedThrough.containsKey(program)) {
                LocalDate through = today.minusDays(2);
                assertThat(ledger.closePeriod(program, through)).isEqualTo(Ledger.PeriodCloseResult.OK);
                model.closedThrough.put(program, through);
                continue;
            }
            int size = 1 + random.nextInt(5);
            List<TransferRequest> batch = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                batch.add(transfer(random, program, accounts, model, history, today));
            }
            step(model, batch, today, history);
        }
        for (UUID id : accounts) {
            LedgerModel.Acc expected = model.accounts.get(id);
            Account actual = ledger.balances(id).orElse(null);
            if (expected == null) {
                assertThat(actual).isNull();
                continue;
            }
            assertThat(actual).isNotNull();
            assertThat(new long[] {actual.debitsPendingFen(), actual.debitsPostedFen(), actual.creditsPendingFen(),
                    actual.creditsPostedFen()})
                    .as("balances of %s in %s", actual.code(), program)
                    .containsExactly(expected.dp, expected.dpo, expected.cp, expected.cpo);
        }
    }

    private void step(LedgerModel model, List<TransferRequest> batch, LocalDate today, List<TransferRequest> history) {
        List<TransferResult> expected = model.post(batch, today);
        List<TransferResult> actual = ledger.post(batch);
        assertThat(actual).as("results of %s", batch).containsExactlyElementsOf(expected);
        actual.forEach(r -> seen.add(r.code()));
        history.addAll(batch);
    }

    private TransferRequest transfer(Random r, String program, List<UUID> accounts, LedgerModel model,
                                     List<TransferRequest> history, LocalDate today) {
        TransferRequest t;
        int pick = r.nextInt(100);
        if (pick < 12 && !history.isEmpty()) {
            // an earlier transfer again: as it was (EXISTS) or altered (EXISTS_WITH_DIFFERENT_BODY)
            TransferRequest earlier = history.get(r.nextInt(history.size()));
            t = r.nextBoolean() ? earlier : earlier.withCode("ALTERED");
        } else if (pick < 40) {
            List<UUID> pendings = model.pendingIds();
            UUID pendingId = pendings.isEmpty() || r.nextInt(10) == 0
                    ? (r.nextInt(3) == 0 && !history.isEmpty() ? history.get(r.nextInt(history.size())).id()
                    : UUID.randomUUID())
                    : pendings.get(r.nextInt(pendings.size()));
            LedgerModel.Stored pending = model.transfers.get(pendingId);
            long pendingAmount = pending == null ? 100 : pending.amount();
            t = switch (r.nextInt(4)) {
                case 0 -> TransferRequest.postInFull(UUID.randomUUID(), pendingId);
                case 1 -> TransferRequest.post(UUID.randomUUID(), pendingId, 1 + r.nextInt((int) pendingAmount + 20));
                case 2 -> TransferRequest.voidPending(UUID.randomUUID(), pendingId);
                default -> TransferRequest.post(UUID.randomUUID(), pendingId, pendingAmount)
                        .withAccounts(r.nextBoolean() ? pick(r, accounts) : null, null);
            };
            if (r.nextInt(6) == 0) {
                t = t.withSource("voucher.redemption", "R-" + r.nextInt(50)).withCode("GRANT");
            }
        } else {
            boolean reservation = r.nextInt(3) > 0;
            UUID debit;
            UUID credit;
            if (reservation && r.nextInt(5) > 0) {
                debit = accounts.get(1);
                credit = accounts.get(2 + r.nextInt(2));
            } else {
                debit = pick(r, accounts);
                credit = r.nextInt(15) == 0 ? debit : pick(r, accounts);
            }
            long amount = r.nextInt(20) == 0 ? -r.nextInt(2) : 1 + r.nextInt(3_000);
            String code = r.nextInt(40) == 0 ? "bad code" : reservation ? "RESERVATION" : "PAYMENT";
            UUID id = UUID.randomUUID();
            t = reservation
                    ? TransferRequest.pending(id, debit, credit, amount, code, "voucher.application", "A-" + r.nextInt(40))
                    : TransferRequest.single(id, debit, credit, amount, code, "voucher.payment", "P-" + r.nextInt(40));
        }
        if (r.nextInt(5) == 0) {
            // a small pool of keys per program, so that keys repeat with the same or another body
            t = t.withIdempotencyKey(program + ":" + r.nextInt(4));
        }
        if (r.nextInt(8) == 0) {
            t = t.withValueDate(today.minusDays(r.nextInt(4)).plusDays(r.nextInt(10) == 0 ? 2 : 0));
        }
        if (r.nextInt(4) == 0) {
            t = t.withLinked(true);
        }
        return t;
    }

    private static UUID pick(Random r, List<UUID> accounts) {
        return accounts.get(r.nextInt(accounts.size()));
    }
}
