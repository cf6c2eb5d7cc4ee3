package org.zhice.ledger;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A small in-memory ledger written straight from the rules in docs/ledger.md (result codes in
 * their documented order), against which the real one is compared. No batching, no database,
 * no cleverness: each batch is applied transfer by transfer, a failed linked chain is undone by
 * restoring a copy of the state.
 */
final class LedgerModel {

    static final class Acc {
        final String program;
        final boolean dmnec;
        final boolean cmned;
        long dp;
        long dpo;
        long cp;
        long cpo;

        Acc(String program, boolean dmnec, boolean cmned) {
            this.program = program;
            this.dmnec = dmnec;
            this.cmned = cmned;
        }

        Acc copy() {
            Acc a = new Acc(program, dmnec, cmned);
            a.dp = dp;
            a.dpo = dpo;
            a.cp = cp;
            a.cpo = cpo;
            return a;
        }
    }

    record Stored(UUID id, TransferKind kind, UUID debit, UUID credit, long amount, UUID pendingId, String code,
                  String sourceType, String sourceId, String key, LocalDate valueDate) {
    }

    Map<UUID, Acc> accounts = new HashMap<>();
    Map<UUID, Stored> transfers = new HashMap<>();
    Map<String, UUID> keys = new HashMap<>();
    Map<UUID, TransferKind> resolutions = new HashMap<>();
    Map<String, LocalDate> closedThrough = new HashMap<>();

    void account(UUID id, String program, boolean dmnec, boolean cmned) {
        accounts.put(id, new Acc(program, dmnec, cmned));
    }

    List<TransferResult> post(List<TransferRequest> batch, LocalDate today) {
        TransferResult[] results = new TransferResult[batch.size()];
        int i = 0;
        while (i < batch.size()) {
            int end = i;
            while (end < batch.size() - 1 && batch.get(end).linked()) {
                end++;
            }
            if (batch.get(end).linked()) {
                for (int k = i; k < end; k++) {
                    results[k] = new TransferResult(batch.get(k).id(), ResultCode.LINKED_EVENT_FAILED, null);
                }
                results[end] = new TransferResult(batch.get(end).id(), ResultCode.LINKED_EVENT_CHAIN_OPEN, null);
                i = end + 1;
                continue;
            }
            Map<UUID, Acc> savedAccounts = new HashMap<>();
            accounts.forEach((id, a) -> savedAccounts.put(id, a.copy()));
            Map<UUID, Stored> savedTransfers = new HashMap<>(transfers);
            Map<String, UUID> savedKeys = new HashMap<>(keys);
            Map<UUID, TransferKind> savedResolutions = new HashMap<>(resolutions);
            for (int k = i; k <= end; k++) {
                TransferResult r = one(batch.get(k), today);
                results[k] = r;
                if (!r.succeeded()) {
                    if (end > i) {
                        accounts = savedAccounts;
                        transfers = savedTransfers;
                        keys = savedKeys;
                        resolutions = savedResolutions;
                        for (int j = i; j <= end; j++) {
                            if (j != k) {
                                results[j] = new TransferResult(batch.get(j).id(), ResultCode.LINKED_EVENT_FAILED, null);
                            }
                        }
                    }
                    break;
                }
            }
            i = end + 1;
        }
        return List.of(results);
    }

    private TransferResult one(TransferRequest t, LocalDate today) {
        if (t.id() == null) {
            return fail(t, ResultCode.ID_REQUIRED);
        }
        Stored sameId = transfers.get(t.id());
        if (sameId != null) {
            return same(t, sameId, true) ? new TransferResult(t.id(), ResultCode.EXISTS, sameId.id())
                    : fail(t, ResultCode.EXISTS_WITH_DIFFERENT_BODY);
        }
        if (t.idempotencyKey() != null && keys.containsKey(t.idempotencyKey())) {
            Stored sameKey = transfers.get(keys.get(t.idempotencyKey()));
            return same(t, sameKey, false) ? new TransferResult(t.id(), ResultCode.EXISTS, sameKey.id())
                    : fail(t, ResultCode.IDEMPOTENCY_KEY_CONFLICT);
        }
        if (t.kind() == null) {
            return fail(t, ResultCode.KIND_REQUIRED);
        }
        if (t.idempotencyKey() != null && (t.idempotencyKey().isBlank() || t.idempotencyKey().length() > 128)) {
            return fail(t, ResultCode.IDEMPOTENCY_KEY_INVALID);
        }
        boolean resolution = t.kind() == TransferKind.POST || t.kind() == TransferKind.VOID;
        if (resolution && t.pendingId() == null) {
            return fail(t, ResultCode.PENDING_ID_REQUIRED);
        }
        if (!resolution && t.pendingId() != null) {
            return fail(t, ResultCode.PENDING_ID_NOT_ALLOWED);
        }
        if (t.amountFen() <= 0) {
            return fail(t, ResultCode.AMOUNT_MUST_BE_POSITIVE);
        }
        if (!resolution && (t.debitAccountId() == null || t.creditAccountId() == null)) {
            return fail(t, ResultCode.ACCOUNTS_REQUIRED);
        }
        if (t.debitAccountId() != null && t.debitAccountId().equals(t.creditAccountId())) {
            return fail(t, ResultCode.SAME_ACCOUNT);
        }
        if (t.code() == null ? !resolution : !t.code().matches("[A-Z][A-Z0-9_]{1,47}")) {
            return fail(t, ResultCode.CODE_INVALID);
        }
        boolean noSource = t.sourceType() == null && t.sourceId() == null;
        boolean sourceOk = t.sourceType() != null && t.sourceId() != null
                && t.sourceType().matches("[a-z][a-z0-9_.-]{0,63}") && !t.sourceId().isBlank()
                && t.sourceId().length() <= 128;
        if (noSource ? !resolution : !sourceOk) {
            return fail(t, ResultCode.SOURCE_INVALID);
        }
        if (t.valueDate() != null && t.valueDate().isAfter(today)) {
            return fail(t, ResultCode.VALUE_DATE_IN_FUTURE);
        }
        LocalDate valueDate = t.valueDate() == null ? today : t.valueDate();
        if (!resolution) {
            Acc d = accounts.get(t.debitAccountId());
            Acc c = accounts.get(t.creditAccountId());
            if (d == null || c == null) {
                return fail(t, ResultCode.ACCOUNT_NOT_FOUND);
            }
            if (!d.program.equals(c.program)) {
                return fail(t, ResultCode.ACCOUNTS_IN_DIFFERENT_PROGRAMS);
            }
            if (closed(d.program, valueDate)) {
                return fail(t, ResultCode.PERIOD_CLOSED);
            }
            long a = t.amountFen();
            boolean pending = t.kind() == TransferKind.PENDING;
            long ddp = d.dp + (pending ? a : 0);
            long ddpo = d.dpo + (pending ? 0 : a);
            long ccp = c.cp + (pending ? a : 0);
            long ccpo = c.cpo + (pending ? 0 : a);
            if (d.dmnec && ddp + ddpo > d.cpo) {
                return fail(t, ResultCode.EXCEEDS_CREDITS);
            }
            if (c.cmned && ccp + ccpo > c.dpo) {
                return fail(t, ResultCode.EXCEEDS_DEBITS);
            }
            d.dp = ddp;
            d.dpo = ddpo;
            c.cp = ccp;
            c.cpo = ccpo;
            store(new Stored(t.id(), t.kind(), t.debitAccountId(), t.creditAccountId(), a, null, t.code(),
                    t.sourceType(), t.sourceId(), t.idempotencyKey(), valueDate));
            return new TransferResult(t.id(), ResultCode.OK, t.id());
        }
        Stored p = transfers.get(t.pendingId());
        if (p == null) {
            return fail(t, ResultCode.PENDING_NOT_FOUND);
        }
        if (p.kind() != TransferKind.PENDING) {
            return fail(t, ResultCode.PENDING_TRANSFER_NOT_PENDING);
        }
        if (resolutions.get(p.id()) == TransferKind.POST) {
            return fail(t, ResultCode.PENDING_ALREADY_POSTED);
        }
        if (resolutions.get(p.id()) == TransferKind.VOID) {
            return fail(t, ResultCode.PENDING_ALREADY_VOIDED);
        }
        if ((t.debitAccountId() != null && !t.debitAccountId().equals(p.debit()))
                || (t.creditAccountId() != null && !t.creditAccountId().equals(p.credit()))) {
            return fail(t, ResultCode.PENDING_ACCOUNTS_DIFFER);
        }
        long amount;
        if (t.kind() == TransferKind.POST) {
            amount = t.amountFen() == TransferRequest.AMOUNT_OF_PENDING ? p.amount() : t.amountFen();
            if (amount > p.amount()) {
                return fail(t, ResultCode.POST_AMOUNT_EXCEEDS_PENDING);
            }
        } else {
            if (t.amountFen() != TransferRequest.AMOUNT_OF_PENDING && t.amountFen() != p.amount()) {
                return fail(t, ResultCode.VOID_AMOUNT_DIFFERS);
            }
            amount = p.amount();
        }
        Acc d = accounts.get(p.debit());
        Acc c = accounts.get(p.credit());
        if (closed(d.program, valueDate)) {
            return fail(t, ResultCode.PERIOD_CLOSED);
        }
        d.dp -= p.amount();
        c.cp -= p.amount();
        if (t.kind() == TransferKind.POST) {
            d.dpo += amount;
            c.cpo += amount;
        }
        resolutions.put(p.id(), t.kind());
        store(new Stored(t.id(), t.kind(), p.debit(), p.credit(), amount, p.id(),
                t.code() != null ? t.code() : p.code(), t.sourceType() != null ? t.sourceType() : p.sourceType(),
                t.sourceId() != null ? t.sourceId() : p.sourceId(), t.idempotencyKey(), valueDate));
        return new TransferResult(t.id(), ResultCode.OK, t.id());
    }

    private void store(Stored s) {
        transfers.put(s.id(), s);
        if (s.key() != null) {
            keys.put(s.key(), s.id());
        }
    }

    private boolean closed(String program, LocalDate valueDate) {
        LocalDate through = closedThrough.get(program);
        return through != null && !valueDate.isAfter(through);
    }

    private boolean same(TransferRequest t, Stored s, boolean compareKey) {
        if (t.kind() != s.kind() || (compareKey && !Objects.equals(t.idempotencyKey(), s.key()))
                || (t.valueDate() != null && !t.valueDate().equals(s.valueDate()))) {
            return false;
        }
        if (t.kind() == TransferKind.SINGLE || t.kind() == TransferKind.PENDING) {
            return t.pendingId() == null && s.debit().equals(t.debitAccountId()) && s.credit().equals(t.creditAccountId())
                    && s.amount() == t.amountFen() && s.code().equals(t.code()) && s.sourceType().equals(t.sourceType())
                    && s.sourceId().equals(t.sourceId());
        }
        if (!s.pendingId().equals(t.pendingId())) {
            return false;
        }
        long pendingAmount = transfers.get(s.pendingId()).amount();
        boolean amountSame = t.amountFen() == TransferRequest.AMOUNT_OF_PENDING ? s.amount() == pendingAmount
                : s.amount() == t.amountFen();
        return amountSame && (t.debitAccountId() == null || t.debitAccountId().equals(s.debit()))
                && (t.creditAccountId() == null || t.creditAccountId().equals(s.credit()))
                && (t.code() == null || t.code().equals(s.code()))
                && (t.sourceType() == null || t.sourceType().equals(s.sourceType()))
                && (t.sourceId() == null || t.sourceId().equals(s.sourceId()));
    }

    private static TransferResult fail(TransferRequest t, ResultCode code) {
        return new TransferResult(t.id(), code, null);
    }

    List<UUID> pendingIds() {
        List<UUID> out = new ArrayList<>();
        transfers.values().forEach(s -> {
            if (s.kind() == TransferKind.PENDING) {
                out.add(s.id());
            }
        });
        return out;
    }
}
