package org.zhice.voucher;

import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.audit.AuditLog;
import org.zhice.ledger.TransferRequest;
import org.zhice.policy.Program;
import org.zhice.policy.ProgramCatalog;

/**
 * A program's money, and the lock that orders its decisions. Every decision that reads or
 * changes a program's budget or an enterprise's cap first locks the program's row here, so
 * that "available" and "cap left" cannot change between reading them and reserving: decisions
 * of one program happen one at a time (locks are always taken in the order program → record →
 * audit log → ledger, so they cannot deadlock). On first use the program's ledger accounts are
 * opened and its budget appropriated to its pool; a later version with a larger budget
 * appropriates the difference.
 */
@Component
class ProgramFunds {

    private final JdbcClient jdbc;
    private final ProgramCatalog programs;
    private final VoucherAccounts accounts;
    private final AuditLog audit;
    private final Clock clock;

    ProgramFunds(JdbcClient jdbc, ProgramCatalog programs, VoucherAccounts accounts, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.programs = programs;
        this.accounts = accounts;
        this.audit = audit;
        this.clock = clock;
    }

    /** The program's current version, or a NOT_FOUND refusal. */
    ProgramCatalog.Version program(String programId) {
        if (programId == null || programId.isBlank()) {
            throw VoucherException.invalid("programId", "voucher.error.program.required");
        }
        return programs.current(programId)
                .orElseThrow(() -> VoucherException.invalid("programId", "voucher.error.program.unknown", programId));
    }

    /**
     * Locks the program for this transaction and returns its current version. Call before
     * locking any record of the program, then {@link #fund} once the records are locked.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    ProgramCatalog.Version lock(String programId) {
        ProgramCatalog.Version version = program(programId);
        jdbc.sql("""
                        insert into voucher_program (program_id, appropriated_fen, appropriated_version, updated_at)
                        values (:id, 0, :version, :now) on conflict do nothing""")
                .param("id", programId).param("version", version.version()).param("now", OffsetDateTime.now(clock))
                .update();
        jdbc.sql("select appropriated_fen from voucher_program where program_id = :id for update")
                .param("id", programId).query(Long.class).single();
        return version;
    }

    /**
     * Makes sure the program's budget is on the ledger (its accounts open, its budget
     * appropriated to its pool); the program must be locked. Writes to the audit log and the
     * ledger, so call it after every record lock the transaction needs.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    void fund(ProgramCatalog.Version version) {
        String programId = version.id();
        long appropriated = jdbc.sql("select appropriated_fen from voucher_program where program_id = :id")
                .param("id", programId).query(Long.class).single();
        long budget = version.program().budgetFen();
        if (budget == appropriated) {
            return;
        }
        if (appropriated == 0) {
            accounts.openProgram(programId);
        }
        appropriate(version, appropriated, budget, OffsetDateTime.now(clock));
    }

    private void appropriate(ProgramCatalog.Version version, long appropriated, long budget, OffsetDateTime now) {
        String programId = version.id();
        LocalDate today = Clocks.today(clock);
        LocalDate start = version.program().period().start();
        LocalDate valueDate = start.isBefore(today) ? start : today;
        long change = budget - appropriated;
        if (change < 0) {
            // a smaller budget gives back only what is not reserved or granted: never oversold
            change = -Math.min(-change, accounts.availableFen(programId));
            if (change == 0) {
                return;
            }
        }
        String id = "v" + version.version() + ":" + appropriated;
        TransferRequest transfer = change > 0
                ? TransferRequest.single(VoucherAccounts.transferId("appropriate", programId, id),
                VoucherAccounts.funding(programId), VoucherAccounts.budgetPool(programId), change, "APPROPRIATE",
                "voucher.program", programId)
                : TransferRequest.single(VoucherAccounts.transferId("withdraw", programId, id),
                VoucherAccounts.budgetPool(programId), VoucherAccounts.funding(programId), -change, "WITHDRAW",
                "voucher.program", programId);
        audit.recordAs("system", "voucher.program.appropriate", "program", programId,
                "budget " + appropriated + " -> " + (appropriated + change) + " fen (version " + version.version() + ")");
        accounts.post(List.of(transfer.withValueDate(valueDate)));
        jdbc.sql("""
                        update voucher_program set appropriated_fen = :fen, appropriated_version = :version,
                            updated_at = :now where program_id = :id""")
                .param("fen", appropriated + change).param("version", version.version()).param("now", now)
                .param("id", programId)
                .update();
    }

    /** Budget appropriated to the program's pool so far (0 before its first decision). */
    long appropriatedFen(String programId) {
        return jdbc.sql("select appropriated_fen from voucher_program where program_id = :id")
                .param("id", programId).query(Long.class).optional().orElse(0L);
    }

    /** Programs that have money on the ledger. */
    List<String> fundedPrograms() {
        return jdbc.sql("select program_id from voucher_program order by program_id").query(String.class).list();
    }
}
