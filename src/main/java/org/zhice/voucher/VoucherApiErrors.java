package org.zhice.voucher;

import java.util.List;
import java.util.Locale;

import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Errors of the voucher API as {@code application/problem+json}: the status, a detail in the
 * caller's language and, for bad input, each problem with its field. An idempotency key used for
 * another request is a 409 that names the key; a missing key a 400.
 */
@RestControllerAdvice(assignableTypes = VoucherApi.class)
class VoucherApiErrors {

    record FieldProblem(String field, String message) {
    }

    private final MessageSource messages;
    private final VoucherText text;

    VoucherApiErrors(MessageSource messages, VoucherText text) {
        this.messages = messages;
        this.text = text;
    }

    @ExceptionHandler(VoucherException.class)
    ResponseEntity<ProblemDetail> refused(VoucherException e, Locale locale) {
        HttpStatus status = VoucherApi.status(e.kind());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, text.problems(e));
        List<FieldProblem> errors = e.problems().stream()
                .map(p -> new FieldProblem(p.field(), messages.getMessage(p.code(), p.args(), p.code(), locale)))
                .toList();
        problem.setProperty("errors", errors);
        return problem(status, problem);
    }

    @ExceptionHandler(IdempotentRequests.KeyConflict.class)
    ResponseEntity<ProblemDetail> keyConflict(IdempotentRequests.KeyConflict e, Locale locale) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                messages.getMessage("voucher.api.key.conflict", new Object[] {e.key}, locale));
        problem.setProperty("idempotencyKey", e.key);
        return problem(HttpStatus.CONFLICT, problem);
    }

    @ExceptionHandler(IdempotentRequests.KeyMissing.class)
    ResponseEntity<ProblemDetail> keyMissing(IdempotentRequests.KeyMissing e, Locale locale) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                messages.getMessage("voucher.api.key.required", new Object[] {IdempotentRequests.MAX_KEY}, locale));
        return problem(HttpStatus.BAD_REQUEST, problem);
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, ProblemDetail problem) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
