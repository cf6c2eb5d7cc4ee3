package org.zhice.voucher;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.stereotype.Component;
import org.zhice.ledger.AccountCode;
import org.zhice.ledger.AccountRequest;
import org.zhice.ledger.AccountResult;
import org.zhice.ledger.Ledger;
import org.zhice.ledger.TransferRequest;
import org.zhice.ledger.TransferResult;

/**
 * The voucher module's use of the ledger. Per program: the office's {@code FUNDING},
 * {@code BUDGET_POOL} (credits = budget appropriated; pending debits = reservations; never
 * overdrawn) and {@code BANK}; per enterprise {@code ENTERPRISE_RESERVED} (pending credits =
 * reserved, posted credits = granted) and {@code RECEIVABLE} (clawbacks owed); per payee
 * {@code PAYABLE} (granted after 公示, waiting for the bank). Transfers carry ids derived from
 * what caused them, so a retried write can never move money twice.
 */
@Component
class VoucherAccounts {

    static final String OFFICE = "office";
    /** Granted subsidies after 公示, owed to a payee until the bank pays them; never overpaid. */
    static final String PAYABLE = "PAYABLE";

    private final Ledger ledger;

    VoucherAccounts(Ledger ledger) {
        this.ledger = ledger;
    }

    static UUID budgetPool(String programId) {
        return AccountRequest.idFor(programId, AccountCode.BUDGET_POOL.name(), OFFICE);
    }

    static UUID funding(String programId) {
        return AccountRequest.idFor(programId, AccountCode.FUNDING.name(), OFFICE);
    }

    static UUID bank(String programId) {
        return AccountRequest.idFor(programId, AccountCode.BANK.name(), OFFICE);
    }

    static UUID reserved(String programId, String enterpriseUscc) {
        return AccountRequest.idFor(programId, AccountCode.ENTERPRISE_RESERVED.name(), enterpriseUscc);
    }

    static UUID receivable(String programId, String enterpriseUscc) {
        return AccountRequest.idFor(programId, AccountCode.RECEIVABLE.name(), enterpriseUscc);
    }

    static UUID payable(String programId, String payeeUscc) {
        return AccountRequest.idFor(programId, PAYABLE, payeeUscc);
    }

    /** A transfer id that is the same every time for the same cause. */
    static UUID transferId(String... parts) {
        return UUID.nameUUIDFromBytes(("zhice-voucher\0" + String.join("\0", parts)).getBytes(StandardCharsets.UTF_8));
    }

    /** The office's accounts of a program. */
    void openProgram(String programId) {
        create(List.of(AccountRequest.of(programId, AccountCode.FUNDING, OFFICE),
                AccountRequest.of(programId, AccountCode.BUDGET_POOL, OFFICE),
                AccountRequest.of(programId, AccountCode.BANK, OFFICE)));
    }

    /** The accounts of an enterprise (and of a payee, when another organisation is paid). */
    void openEnterprise(String programId, String enterpriseUscc, String payeeUscc) {
        boolean open = ledger.balances(reserved(programId, enterpriseUscc)).isPresent()
                && (payeeUscc == null || ledger.balances(payable(programId, payeeUscc)).isPresent());
        if (open) {
            return;
        }
        List<AccountRequest> requests = new ArrayList<>();
        requests.add(AccountRequest.of(programId, AccountCode.ENTERPRISE_RESERVED, enterpriseUscc));
        requests.add(AccountRequest.of(programId, AccountCode.RECEIVABLE, enterpriseUscc));
        requests.add(payableAccount(programId, enterpriseUscc));
        if (payeeUscc != null && !payeeUscc.equals(enterpriseUscc)) {
            requests.add(payableAccount(programId, payeeUscc));
        }
        create(requests);
    }

    private static AccountRequest payableAccount(String programId, String payeeUscc) {
        return new AccountRequest(payable(programId, payeeUscc), programId, PAYABLE, payeeUscc, true, false);
    }

    private void create(List<AccountRequest> requests) {
        for (AccountResult result : ledger.createAccounts(requests)) {
            if (!result.succeeded()) {
                throw new IllegalStateException("ledger account " + result.id() + ": " + result.code());
            }
        }
    }

    /** What the program's pool can still reserve: budget − reserved − granted, as the ledger holds it. */
    long availableFen(String programId) {
        return ledger.balances(budgetPool(programId)).map(a -> a.headroomFen()).orElse(0L);
    }

    /** Open receivable of an enterprise: clawed back and not yet offset or repaid. */
    long receivableFen(String programId, String enterpriseUscc) {
        return ledger.balances(receivable(programId, enterpriseUscc))
                .map(a -> a.debitsPostedFen() - a.creditsPostedFen())
                .orElse(0L);
    }

    /**
     * Posts transfers inside the caller's transaction; any transfer the ledger refuses is a
     * programming error here (every limit was checked before), so it throws and the caller's
     * transaction rolls back whole.
     */
    List<TransferResult> post(List<TransferRequest> transfers) {
        List<TransferResult> results = ledger.post(transfers);
        for (TransferResult result : results) {
            if (!result.succeeded()) {
                throw new LedgerRefusedException(result);
            }
        }
        return results;
    }

    /** The ledger refused a transfer the voucher flow asked for; nothing of the decision is kept. */
    static final class LedgerRefusedException extends RuntimeException {
        final TransferResult result;

        LedgerRefusedException(TransferResult result) {
            super("the ledger refused transfer " + result.id() + ": " + result.code());
            this.result = result;
        }
    }
}
