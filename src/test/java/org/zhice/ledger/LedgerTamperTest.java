package org.zhice.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tamper evidence and what the database refuses on its own. A journal row is altered behind
 * the application's back (its append-only trigger switched off, as a superuser could):
 * verification fails and names the batch and the transfer; put back, it verifies again.
 */
@SpringBootTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class LedgerTamperTest {

    static final String PROGRAM = "tamper-test";

    @Autowired
    Ledger ledger;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    VerifyLedgerCommand command;
    @Autowired
    PlatformTransactionManager transactionManager;

    UUID funding = AccountRequest.idFor(PROGRAM, "FUNDING", "office");
    UUID pool = AccountRequest.idFor(PROGRAM, "BUDGET_POOL", "office");
    UUID enterprise = AccountRequest.idFor(PROGRAM, "ENTERPRISE_RESERVED", "91330100MA27XK1A2B");

    private void chart() {
        ledger.createAccounts(List.of(AccountRequest.of(PROGRAM, AccountCode.FUNDING, "office"),
                AccountRequest.of(PROGRAM, AccountCode.BUDGET_POOL, "office"),
                AccountRequest.of(PROGRAM, AccountCode.ENTERPRISE_RESERVED, "91330100MA27XK1A2B")));
    }

    @Test
    void anAlteredJournalRowIsNamedByVerification() {
        chart();
        UUID victim = UUID.randomUUID();
        ledger.post(List.of(TransferRequest.single(victim, funding, pool, 50_000, "APPROPRIATION",
                "policy.program", PROGRAM)));
        UUID reservation = UUID.randomUUID();
        ledger.post(List.of(TransferRequest.pending(reservation, pool, enterprise, 1_200, "RESERVATION",
                "voucher.application", "A-7")));
        ledger.post(List.of(TransferRequest.postInFull(UUID.randomUUID(), reservation)));
        assertThat(ledger.verify().ok()).isTrue();
        Transfer original = ledger.history(victim).orElseThrow().transfer();
        try {
            tamperAndVerify(victim, original);
        } finally {
            // put it back exactly: the chain verifies again
            tamper("update ledger_transfer set amount_fen = 50000, entry_hash = decode('"
                    + JournalHash.hex(JournalHash.entryHash(original)) + "', 'hex') where id = '" + victim + "'");
        }
        Verification repaired = ledger.verify();
        assertThat(repaired.problems()).isEmpty();
        assertThat(command.print(repaired, Locale.ENGLISH, new PrintStream(new ByteArrayOutputStream()))).isZero();
    }

    private void tamperAndVerify(UUID victim, Transfer original) {
        long batch = jdbc.queryForObject("select batch_seq from ledger_transfer where id = ?", Long.class, victim);

        // the application itself cannot change a journal row
        assertThatThrownBy(() -> jdbc.update("update ledger_transfer set amount_fen = 1 where id = ?", victim))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.update("delete from ledger_transfer where id = ?", victim))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("append-only");

        // someone with the power to switch the trigger off does it anyway
        tamper("update ledger_transfer set amount_fen = 49000 where id = '" + victim + "'");
        Verification broken = ledger.verify();
        assertThat(broken.ok()).isFalse();
        Verification.Problem first = broken.firstBroken().orElseThrow();
        assertThat(first.kind()).isEqualTo(Verification.ProblemKind.ENTRY_HASH_MISMATCH);
        assertThat(first.batchSeq()).isEqualTo(batch);
        assertThat(first.transferId()).isEqualTo(victim);
        // the replayed balances no longer match the stored ones either
        assertThat(broken.problems()).extracting(Verification.Problem::kind)
                .contains(Verification.ProblemKind.BALANCE_MISMATCH);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(command.print(broken, Locale.ENGLISH, new PrintStream(out, true, StandardCharsets.UTF_8))).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("FAILED").contains(victim.toString())
                .contains("batch " + batch);

        // re-hashing the row too only moves the evidence up to the batch
        tamper("update ledger_transfer set entry_hash = decode(repeat('ab', 32), 'hex') where id = '" + victim + "'");
        assertThat(ledger.verify().problems()).extracting(Verification.Problem::kind)
                .contains(Verification.ProblemKind.BATCH_HASH_MISMATCH);

    }

    private void tamper(String sql) {
        new TransactionTemplate(transactionManager).executeWithoutResult(s -> {
            jdbc.execute("alter table ledger_transfer disable trigger ledger_transfer_append_only");
            jdbc.execute(sql);
            jdbc.execute("alter table ledger_transfer enable trigger ledger_transfer_append_only");
        });
    }

    @Test
    void theDatabaseRefusesWhatBreaksAnInvariant() {
        chart();
        ledger.post(List.of(TransferRequest.single(UUID.randomUUID(), funding, pool, 10_000, "APPROPRIATION",
                "policy.program", PROGRAM)));
        // the pool may not be overdrawn, even by a hand-written statement
        assertThatThrownBy(() -> jdbc.update("update ledger_account set debits_pending = credits_posted + 1 where id = ?", pool))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("ledger_account_debits_within_credits");
        // an account's identity and limits are fixed, and accounts are never deleted
        assertThatThrownBy(() -> jdbc.update("update ledger_account set debits_must_not_exceed_credits = false where id = ?", pool))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("only balances may change");
        assertThatThrownBy(() -> jdbc.update("delete from ledger_account where id = ?", pool))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("append-only");
        // a journal row outside a recorded batch, with no amount, or to an unknown account is refused
        long head = jdbc.queryForObject("select seq from ledger_chain_head", Long.class);
        String insert = """
                insert into ledger_transfer (id, batch_seq, batch_index, kind, program_id, debit_account_id,
                    credit_account_id, amount_fen, code, source_type, source_id, value_date, booked_at, linked, entry_hash)
                values (?, ?, 99999, 'SINGLE', ?, ?, ?, ?, 'HAND', 'test', 'x', current_date, now(), false, decode(repeat('00', 32), 'hex'))""";
        assertThatThrownBy(() -> jdbc.update(insert, UUID.randomUUID(), head + 1000, PROGRAM, pool, enterprise, 5))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("not within a recorded batch");
        assertThatThrownBy(() -> jdbc.update(insert, UUID.randomUUID(), head, PROGRAM, pool, enterprise, 0))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("amount_fen");
        assertThatThrownBy(() -> jdbc.update(insert, UUID.randomUUID(), head, PROGRAM, pool, UUID.randomUUID(), 5))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("does not exist");
        // nor a post-dated one (value date after the booking day in Asia/Shanghai)
        assertThatThrownBy(() -> jdbc.update(insert.replace("current_date", "current_date + 2"),
                UUID.randomUUID(), head, PROGRAM, pool, enterprise, 5))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("after its booking day");

        // a pending transfer resolves exactly once, even if Java forgot to check
        UUID pending = UUID.randomUUID();
        ledger.post(List.of(TransferRequest.pending(pending, pool, enterprise, 100, "RESERVATION", "voucher.application", "A-1")));
        assertThat(ledger.post(List.of(TransferRequest.voidPending(UUID.randomUUID(), pending))).get(0).code())
                .isEqualTo(ResultCode.OK);
        assertThat(ledger.post(List.of(TransferRequest.postInFull(UUID.randomUUID(), pending))).get(0).code())
                .isEqualTo(ResultCode.PENDING_ALREADY_VOIDED);
        assertThatThrownBy(() -> jdbc.update("""
                insert into ledger_transfer (id, batch_seq, batch_index, kind, program_id, debit_account_id,
                    credit_account_id, amount_fen, pending_id, code, source_type, source_id, value_date, booked_at,
                    linked, entry_hash)
                values (?, ?, 99998, 'POST', ?, ?, ?, 100, ?, 'HAND', 'test', 'x', current_date, now(), false,
                    decode(repeat('00', 32), 'hex'))""", UUID.randomUUID(), head, PROGRAM, pool, enterprise, pending))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("ledger_transfer_resolved_once");
        // a post or void must name an existing PENDING transfer of its program (checked per statement,
        // V10_1): tried in a batch of its own, so that nothing else is refused first
        UUID single = jdbc.queryForObject("select id from ledger_transfer where kind = 'SINGLE' limit 1", UUID.class);
        for (UUID target : List.of(UUID.randomUUID(), single)) {
            assertThatThrownBy(() -> new TransactionTemplate(transactionManager).executeWithoutResult(s -> {
                long last = jdbc.queryForObject("select seq from ledger_chain_head", Long.class);
                jdbc.update("""
                        insert into ledger_batch (seq, prev_seq, committed_at, transfer_count, prev_hash, hash)
                        values (?, ?, now(), 1, decode(repeat('00', 32), 'hex'), decode(repeat('11', 32), 'hex'))""",
                        last + 1, last);
                jdbc.update("""
                        insert into ledger_transfer (id, batch_seq, batch_index, kind, program_id, debit_account_id,
                            credit_account_id, amount_fen, pending_id, code, source_type, source_id, value_date,
                            booked_at, linked, entry_hash)
                        values (?, ?, 0, 'VOID', ?, ?, ?, 100, ?, 'HAND', 'test', 'x', current_date, now(), false,
                            decode(repeat('00', 32), 'hex'))""", UUID.randomUUID(), last + 1, PROGRAM, pool, enterprise,
                        target);
            })).isInstanceOf(DataAccessException.class).hasMessageContaining("pending transfer " + target);
        }

        // a closed period refuses back-dated entries, in Java and in the database
        LocalDate today = LocalDate.now(ZoneId.of("Asia/Shanghai"));
        assertThat(ledger.closePeriod(PROGRAM, today)).isEqualTo(Ledger.PeriodCloseResult.NOT_IN_THE_PAST);
        assertThat(ledger.closePeriod(PROGRAM, today.minusDays(3))).isEqualTo(Ledger.PeriodCloseResult.OK);
        assertThat(ledger.closePeriod(PROGRAM, today.minusDays(5))).isEqualTo(Ledger.PeriodCloseResult.ALREADY_CLOSED);
        assertThat(ledger.post(List.of(TransferRequest.single(UUID.randomUUID(), funding, pool, 5, "CORRECTION",
                "policy.program", PROGRAM).withValueDate(today.minusDays(4)))).get(0).code())
                .isEqualTo(ResultCode.PERIOD_CLOSED);
        assertThat(ledger.post(List.of(TransferRequest.single(UUID.randomUUID(), funding, pool, 5, "CORRECTION",
                "policy.program", PROGRAM).withValueDate(today.minusDays(2)))).get(0).code())
                .isEqualTo(ResultCode.OK);
        long seq = jdbc.queryForObject("select seq from ledger_chain_head", Long.class);
        assertThatThrownBy(() -> jdbc.update(insert.replace("current_date", "current_date - 10"),
                UUID.randomUUID(), seq, PROGRAM, pool, enterprise, 5))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("closed period");
        assertThat(ledger.verify().problems()).isEmpty();
    }

    @Test
    void accountStatementsComeFromTheStatementIndexAndVerificationChecksIt() {
        // a program of its own, so that the other tests' transfers stay out of these statements
        String program = "statement-test";
        ledger.createAccounts(List.of(AccountRequest.of(program, AccountCode.FUNDING, "office"),
                AccountRequest.of(program, AccountCode.BUDGET_POOL, "office"),
                AccountRequest.of(program, AccountCode.ENTERPRISE_RESERVED, "91330100MA27XK1A2B")));
        UUID funding = AccountRequest.idFor(program, "FUNDING", "office");
        UUID pool = AccountRequest.idFor(program, "BUDGET_POOL", "office");
        UUID enterprise = AccountRequest.idFor(program, "ENTERPRISE_RESERVED", "91330100MA27XK1A2B");
        UUID funded = UUID.randomUUID();
        ledger.post(List.of(TransferRequest.single(funded, funding, pool, 100_000, "APPROPRIATION",
                "policy.program", program)));
        // several batches, one of them with several transfers moving the same accounts
        List<UUID> reservations = new java.util.ArrayList<>();
        for (int b = 0; b < 3; b++) {
            List<TransferRequest> batch = new java.util.ArrayList<>();
            for (int i = 0; i < 1 + b; i++) {
                UUID id = UUID.randomUUID();
                reservations.add(id);
                batch.add(TransferRequest.pending(id, pool, enterprise, 10 + i, "RESERVATION",
                        "voucher.application", "S-" + b + "-" + i));
            }
            assertThat(ledger.post(batch)).allMatch(r -> r.code() == ResultCode.OK);
        }
        // newest first, both sides of the account, limited
        List<UUID> expected = new java.util.ArrayList<>(reservations);
        java.util.Collections.reverse(expected);
        assertThat(ledger.transfersOf(enterprise, 100)).extracting(Transfer::id).containsExactlyElementsOf(expected);
        expected.add(funded);
        assertThat(ledger.transfersOf(pool, 100)).extracting(Transfer::id).containsExactlyElementsOf(expected);
        assertThat(ledger.transfersOf(pool, 2)).extracting(Transfer::id).containsExactlyElementsOf(expected.subList(0, 2));
        assertThat(ledger.transfersOfSource("voucher.application", "S-2-1")).extracting(Transfer::id)
                .containsExactly(reservations.get(4));
        assertThat(ledger.verify().problems()).isEmpty();

        // the index is append-only; removed behind the application's back, verification names it
        long batch = jdbc.queryForObject("select batch_seq from ledger_transfer where id = ?", Long.class,
                reservations.get(0));
        assertThatThrownBy(() -> jdbc.update("delete from ledger_account_batch where account_id = ?", enterprise))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("append-only");
        new TransactionTemplate(transactionManager).executeWithoutResult(s -> {
            jdbc.execute("alter table ledger_account_batch disable trigger ledger_account_batch_append_only");
            jdbc.update("delete from ledger_account_batch where account_id = ? and batch_seq = ?", enterprise, batch);
            jdbc.execute("alter table ledger_account_batch enable trigger ledger_account_batch_append_only");
        });
        Verification broken = ledger.verify();
        assertThat(broken.ok()).isFalse();
        assertThat(broken.problems()).extracting(Verification.Problem::kind)
                .containsOnly(Verification.ProblemKind.STATEMENT_INDEX_MISMATCH);
        assertThat(broken.problems()).allMatch(p -> p.batchSeq() == batch && enterprise.equals(p.accountId()));
        assertThat(ledger.transfersOf(enterprise, 100)).extracting(Transfer::id).doesNotContain(reservations.get(0));
        // put back
        new TransactionTemplate(transactionManager).executeWithoutResult(s -> jdbc.update(
                "insert into ledger_account_batch (account_id, batch_seq, batch_indexes) values (?, ?, '{0}')",
                enterprise, batch));
        assertThat(ledger.verify().problems()).isEmpty();
    }

    @Test
    void aCallersTransactionCarriesItsTransfersAndRollsThemBack() {
        chart();
        ledger.post(List.of(TransferRequest.single(UUID.randomUUID(), funding, pool, 1_000, "APPROPRIATION",
                "policy.program", PROGRAM)));
        long before = ledger.balances(pool).orElseThrow().debitsPendingFen();
        UUID id = UUID.randomUUID();
        TransactionTemplate tx = new TransactionTemplate(transactionManager);
        tx.executeWithoutResult(s -> {
            assertThat(ledger.post(List.of(TransferRequest.pending(id, pool, enterprise, 300, "RESERVATION",
                    "voucher.application", "A-rollback"))).get(0).code()).isEqualTo(ResultCode.OK);
            s.setRollbackOnly();
        });
        assertThat(ledger.history(id)).isEmpty();
        assertThat(ledger.balances(pool).orElseThrow().debitsPendingFen()).isEqualTo(before);
        assertThat(ledger.verify().problems()).isEmpty();
    }
}
