package org.zhice.ledger;

/**
 * The account chart of a program (all amounts CNY fen). See docs/ledger.md for the flows:
 * appropriate, reserve, grant, release, pay, claw back.
 */
public enum AccountCode {
    /** 财政资金来源: where a program's budget comes from; debited once per appropriation. */
    FUNDING(false, false),
    /** 年度资金池: credits = budget; pending debits = reservations; posted debits = grants. Never overdrawn. */
    BUDGET_POOL(true, false),
    /** 企业额度 (per enterprise): pending credits = reserved, posted credits = granted; debited when paid. */
    ENTERPRISE_RESERVED(true, false),
    /** 国库/银行 (program office): credited with each payment out, debited with repayments in. */
    BANK(false, false),
    /** 应收追回款 (per enterprise): what an enterprise must pay back; collections never exceed it. */
    RECEIVABLE(false, true);

    private final boolean debitsMustNotExceedCredits;
    private final boolean creditsMustNotExceedDebits;

    AccountCode(boolean debitsMustNotExceedCredits, boolean creditsMustNotExceedDebits) {
        this.debitsMustNotExceedCredits = debitsMustNotExceedCredits;
        this.creditsMustNotExceedDebits = creditsMustNotExceedDebits;
    }

    /** The limit flag this kind of account carries in the chart. */
    public boolean debitsMustNotExceedCredits() {
        return debitsMustNotExceedCredits;
    }

    public boolean creditsMustNotExceedDebits() {
        return creditsMustNotExceedDebits;
    }
}
