/**
 * Ledger: every fen that Zhice reserves, grants, pays or claws back, as double-entry transfers
 * between accounts, in an append-only journal hash-chained with SM3.
 *
 * <p>The public face is {@link org.zhice.ledger.Ledger}: create accounts, post batches of
 * transfers (each with its own {@link org.zhice.ledger.ResultCode}), read balances and the
 * history of a transfer, and verify the whole journal. Transfers of many concurrent callers are
 * grouped into one database transaction and one commit by a single writer (group commit); a
 * caller that already runs in a transaction gets its transfers written in that transaction.
 * Design notes and the account chart: {@code docs/ledger.md}.
 */
@org.springframework.modulith.ApplicationModule
package org.zhice.ledger;
