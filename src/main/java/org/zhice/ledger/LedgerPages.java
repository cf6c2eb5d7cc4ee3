package org.zhice.ledger;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The auditor's and program office's view of the ledger: accounts and balances by program, one
 * account's transfers, the history of one transfer with its business record, and verification.
 */
@Controller
@PreAuthorize("hasAnyRole('AUDITOR', 'PROGRAM_OFFICE')")
class LedgerPages {

    private static final int ACCOUNT_TRANSFERS = 100;

    private final Ledger ledger;

    LedgerPages(Ledger ledger) {
        this.ledger = ledger;
    }

    @GetMapping("/ledger")
    String accounts(@RequestParam(name = "program", required = false) String program, Model model) {
        List<String> programs = ledger.programs();
        String selected = program != null && programs.contains(program) ? program
                : programs.isEmpty() ? null : programs.get(0);
        List<Account> accounts = selected == null ? List.of() : ledger.accounts(selected);
        model.addAttribute("programs", programs);
        model.addAttribute("program", selected);
        model.addAttribute("accounts", accounts);
        model.addAttribute("totals", Totals.of(accounts));
        model.addAttribute("closedThrough", selected == null ? null : ledger.closedThrough(selected).orElse(null));
        model.addAttribute("head", ledger.head());
        return "ledger/accounts";
    }

    /** Σ over a program's accounts; debits equal credits when the books balance. */
    record Totals(long debitsPendingFen, long debitsPostedFen, long creditsPendingFen, long creditsPostedFen) {
        static Totals of(List<Account> accounts) {
            long dp = 0;
            long dpo = 0;
            long cp = 0;
            long cpo = 0;
            for (Account a : accounts) {
                dp += a.debitsPendingFen();
                dpo += a.debitsPostedFen();
                cp += a.creditsPendingFen();
                cpo += a.creditsPostedFen();
            }
            return new Totals(dp, dpo, cp, cpo);
        }

        public boolean balanced() {
            return debitsPendingFen == creditsPendingFen && debitsPostedFen == creditsPostedFen;
        }
    }

    @GetMapping("/ledger/accounts/{id}")
    String account(@PathVariable("id") String id, Model model) {
        Account account = ledger.balances(parse(id)).orElseThrow(LedgerPages::notFound);
        model.addAttribute("account", account);
        model.addAttribute("transfers", ledger.transfersOf(account.id(), ACCOUNT_TRANSFERS));
        return "ledger/account";
    }

    @GetMapping("/ledger/transfers/{id}")
    String transfer(@PathVariable("id") String id, Model model) {
        model.addAttribute("history", ledger.history(parse(id)).orElseThrow(LedgerPages::notFound));
        return "ledger/transfer";
    }

    @GetMapping("/ledger/verify")
    String verify(Model model) {
        model.addAttribute("verification", ledger.verify());
        return "ledger/verify";
    }

    @PostMapping("/ledger/periods/close")
    @PreAuthorize("hasRole('PROGRAM_OFFICE')")
    String closePeriod(@RequestParam("program") String program, @RequestParam("through") String through,
                       RedirectAttributes redirect) {
        Ledger.PeriodCloseResult result;
        try {
            result = ledger.closePeriod(program, LocalDate.parse(through));
        } catch (DateTimeParseException e) {
            result = null;
        }
        redirect.addFlashAttribute("closeResult", result == null ? "DATE_INVALID" : result.name());
        redirect.addAttribute("program", program);
        return "redirect:/ledger";
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw notFound();
        }
    }

    private static ResponseStatusException notFound() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND);
    }
}
