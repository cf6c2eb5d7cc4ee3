package org.zhice.ledger;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.zhice.identity.CurrentUser;

/**
 * Machine access to the ledger. {@code POST /api/ledger/transfers} (program office) posts a
 * batch under a required {@code Idempotency-Key}: the same key and body answer the stored
 * results again, the same key with another body is a 409. {@code GET /api/ledger/verify}
 * (auditor, program office) recomputes the chain and every balance.
 */
@RestController
class LedgerApi {

    static final int MAX_TRANSFERS_PER_REQUEST = 1000;

    private final Ledger ledger;
    private final MessageSource messages;

    LedgerApi(Ledger ledger, MessageSource messages) {
        this.ledger = ledger;
        this.messages = messages;
    }

    /** One transfer as JSON; every field optional here, so that a missing one is named. */
    record TransferItem(String id, String kind, String debitAccountId, String creditAccountId, Long amountFen,
                        String pendingId, String code, String sourceType, String sourceId, String idempotencyKey,
                        String valueDate, Boolean linked) {
    }

    record PostBody(List<TransferItem> transfers) {
    }

    record ItemResult(int index, UUID id, String code, UUID transferId, String message) {
    }

    record PostAnswer(boolean replayed, int written, List<ItemResult> results) {
    }

    /** Input that cannot become a batch at all: names the field, changes nothing. */
    static final class BadRequest extends RuntimeException {
        final String key;
        final Object[] args;

        BadRequest(String key, Object... args) {
            super(key);
            this.key = key;
            this.args = args;
        }
    }

    @PostMapping("/api/ledger/transfers")
    @PreAuthorize("hasRole('PROGRAM_OFFICE')")
    ResponseEntity<PostAnswer> post(@RequestHeader(name = "Idempotency-Key", required = false) String key,
                                    @RequestBody(required = false) PostBody body, Locale locale) {
        if (key == null || key.isBlank() || key.length() > BatchApplier.MAX_KEY) {
            throw new BadRequest("ledger.api.key.required", BatchApplier.MAX_KEY);
        }
        if (body == null || body.transfers() == null || body.transfers().isEmpty()) {
            throw new BadRequest("ledger.api.transfers.required");
        }
        if (body.transfers().size() > MAX_TRANSFERS_PER_REQUEST) {
            throw new BadRequest("ledger.api.transfers.too.many", MAX_TRANSFERS_PER_REQUEST, body.transfers().size());
        }
        List<TransferRequest> requests = new ArrayList<>();
        for (int i = 0; i < body.transfers().size(); i++) {
            requests.add(toRequest(i, body.transfers().get(i)));
        }
        String actor = CurrentUser.get().map(CurrentUser::username).orElse("api");
        Ledger.PostedRequest posted = ledger.post(key.trim(), actor, requests);
        List<ItemResult> results = new ArrayList<>();
        int written = 0;
        for (int i = 0; i < posted.results().size(); i++) {
            TransferResult r = posted.results().get(i);
            written += r.code() == ResultCode.OK ? 1 : 0;
            results.add(new ItemResult(i, r.id(), r.code().name(), r.transferId(),
                    messages.getMessage("ledger.result." + r.code(), null, locale)));
        }
        return ResponseEntity.ok()
                .header("Idempotent-Replayed", Boolean.toString(posted.replayed()))
                .body(new PostAnswer(posted.replayed(), written, results));
    }

    private static TransferRequest toRequest(int index, TransferItem item) {
        if (item == null) {
            throw new BadRequest("ledger.api.field.invalid", "transfers[" + index + "]");
        }
        TransferKind kind;
        try {
            kind = TransferKind.valueOf(required(index, "kind", item.kind()));
        } catch (IllegalArgumentException e) {
            throw new BadRequest("ledger.api.field.invalid", "transfers[" + index + "].kind");
        }
        boolean resolution = kind == TransferKind.POST || kind == TransferKind.VOID;
        long amount = item.amountFen() != null ? item.amountFen()
                : resolution ? TransferRequest.AMOUNT_OF_PENDING : 0;
        return new TransferRequest(uuid(index, "id", required(index, "id", item.id())), kind,
                uuid(index, "debitAccountId", item.debitAccountId()),
                uuid(index, "creditAccountId", item.creditAccountId()), amount,
                uuid(index, "pendingId", item.pendingId()), item.code(), item.sourceType(), item.sourceId(),
                item.idempotencyKey(), date(index, item.valueDate()), Boolean.TRUE.equals(item.linked()));
    }

    private static String required(int index, String field, String value) {
        if (value == null || value.isBlank()) {
            throw new BadRequest("ledger.api.field.required", "transfers[" + index + "]." + field);
        }
        return value;
    }

    private static UUID uuid(int index, String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return UUID.fromString(value.trim());
        } catch (IllegalArgumentException e) {
            throw new BadRequest("ledger.api.field.invalid", "transfers[" + index + "]." + field);
        }
    }

    private static LocalDate date(int index, String value) {
        if (value == null) {
            return null;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new BadRequest("ledger.api.field.invalid", "transfers[" + index + "].valueDate");
        }
    }

    @GetMapping("/api/ledger/verify")
    @PreAuthorize("hasAnyRole('AUDITOR', 'PROGRAM_OFFICE')")
    Verification verify() {
        return ledger.verify();
    }

    @ExceptionHandler(BadRequest.class)
    ResponseEntity<ProblemDetail> badRequest(BadRequest e, Locale locale) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                messages.getMessage(e.key, e.args, locale));
        problem.setTitle(messages.getMessage("ledger.api.bad.request", null, locale));
        return ResponseEntity.badRequest().body(problem);
    }

    @ExceptionHandler(IdempotencyKeyConflictException.class)
    ResponseEntity<ProblemDetail> conflict(IdempotencyKeyConflictException e, Locale locale) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                messages.getMessage("ledger.api.key.conflict", new Object[] {e.key()}, locale));
        problem.setTitle(messages.getMessage("ledger.api.key.conflict.title", null, locale));
        problem.setProperty("idempotencyKey", e.key());
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    @ExceptionHandler(LedgerUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(LedgerUnavailableException e, Locale locale) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                messages.getMessage("ledger.api.unavailable", null, locale));
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(problem);
    }
}
