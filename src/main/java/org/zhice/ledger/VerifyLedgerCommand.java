package org.zhice.ledger;

import java.io.PrintStream;
import java.util.Locale;

import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;
import org.zhice.shared.CommandLineCommand;

/**
 * {@code ./zhice verify-ledger}: recomputes the hash chain and every balance, prints the result
 * (in Chinese, or English with {@code --lang=en} or an English system locale) and exits 0 when
 * the journal is intact, 1 when it is not.
 */
@Component
class VerifyLedgerCommand implements CommandLineCommand {

    private final Ledger ledger;
    private final MessageSource messages;

    VerifyLedgerCommand(Ledger ledger, MessageSource messages) {
        this.ledger = ledger;
        this.messages = messages;
    }

    @Override
    public String name() {
        return "verify-ledger";
    }

    @Override
    public int run(String[] args) {
        Locale locale = Locale.getDefault().getLanguage().equals("en") ? Locale.ENGLISH : Locale.SIMPLIFIED_CHINESE;
        for (String arg : args) {
            if (arg.equals("--lang=en")) {
                locale = Locale.ENGLISH;
            } else if (arg.equals("--lang=zh-CN")) {
                locale = Locale.SIMPLIFIED_CHINESE;
            }
        }
        return print(ledger.verify(), locale, System.out);
    }

    int print(Verification v, Locale locale, PrintStream out) {
        out.println(messages.getMessage(v.ok() ? "ledger.verify.cli.ok" : "ledger.verify.cli.broken",
                new Object[] {v.batches(), v.transfers(), v.accounts(), v.headSeq(), v.headHashHex()}, locale));
        for (Verification.Problem p : v.problems()) {
            out.println("  " + messages.getMessage("ledger.verify.problem." + p.kind(), null, locale)
                    + (p.batchSeq() == null ? "" : " · batch " + p.batchSeq())
                    + (p.transferId() == null ? "" : " · transfer " + p.transferId())
                    + (p.accountId() == null ? "" : " · account " + p.accountId())
                    + " — " + p.detail());
        }
        if (v.truncated()) {
            out.println("  …");
        }
        return v.ok() ? 0 : 1;
    }
}
