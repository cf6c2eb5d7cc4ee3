/**
 * Vouchers (算力券): the rules engine of spec §3–5 ({@code rules}), the offline replay, and the
 * online flow — upload a contract, apply, review with maker-checker, reserve on the ledger, redeem
 * on metered usage with invoice numbers, 公示 with objections, disburse with a bank file, claw
 * back — with its pages, its REST API under {@code /api/vouchers} and its demo
 * ({@link org.zhice.voucher.VoucherDemo}). Design notes: {@code docs/vouchers.md}.
 */
@org.springframework.modulith.ApplicationModule
package org.zhice.voucher;
