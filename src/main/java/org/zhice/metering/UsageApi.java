package org.zhice.metering;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.zhice.identity.CurrentUser;

/**
 * Providers push usage with their API tokens. {@code POST /api/metering/usage} takes NDJSON
 * ({@code application/x-ndjson}, also {@code application/jsonl} or {@code application/json}) or CSV
 * ({@code text/csv}) with a required {@code Idempotency-Key}: the same key and body answer the
 * stored result again ({@code Idempotent-Replayed: true}); the same key with another body is a
 * 409. The answer has a result per line; a body that is not usage at all is a 400 problem and
 * stores nothing. {@code GET /api/metering/uploads/{id}} answers an earlier upload's results.
 */
@RestController
@PreAuthorize("hasRole('PROVIDER')")
class UsageApi {

    /** 32 MiB: 100,000 NDJSON lines of spec §2 take about 25 MiB. */
    static final int MAX_BODY_BYTES = 32 << 20;
    static final int MAX_KEY = 200;

    private final UsageIngestion ingestion;
    private final MeteringViews views;
    private final MessageSource messages;
    private final org.springframework.jdbc.core.simple.JdbcClient jdbc;

    UsageApi(UsageIngestion ingestion, MeteringViews views, MessageSource messages,
             org.springframework.jdbc.core.simple.JdbcClient jdbc) {
        this.ingestion = ingestion;
        this.views = views;
        this.messages = messages;
        this.jdbc = jdbc;
    }

    record LineAnswer(int line, String eventId, String outcome, String code, String field, Long usageId,
                      String message) {
    }

    record Answer(long uploadId, boolean replayed, int lines, int accepted, int rejected, int problems,
                  List<LineAnswer> results) {
    }

    /** A request that is refused whole: status, message key and arguments. */
    static final class Refused extends RuntimeException {
        final HttpStatus status;
        final String key;
        final Object[] args;

        Refused(HttpStatus status, String key, Object... args) {
            super(key);
            this.status = status;
            this.key = key;
            this.args = args;
        }
    }

    @PostMapping("/api/metering/usage")
    ResponseEntity<Answer> push(@RequestHeader(name = "Idempotency-Key", required = false) String key,
                                HttpServletRequest request, Locale locale) throws IOException {
        if (key == null || key.isBlank() || key.strip().length() > MAX_KEY) {
            throw new Refused(HttpStatus.BAD_REQUEST, "metering.api.key.required", MAX_KEY);
        }
        String format = format(request.getContentType());
        byte[] body = read(request);
        UsageBatch batch = "csv".equals(format)
                ? UsageParsing.csv(body, UsageIngestion.MAX_LINES)
                : UsageParsing.ndjson(body, UsageIngestion.MAX_LINES);
        CurrentUser user = CurrentUser.require();
        IngestResult result = ingestion.ingest(new UsageIngestion.Upload(user.orgUscc(), user.username(), "api",
                key.strip(), Metering.sha256(body), format, null), batch);
        return ResponseEntity.ok()
                .header("Idempotent-Replayed", Boolean.toString(result.replayed()))
                .body(answer(result, locale));
    }

    @GetMapping("/api/metering/uploads/{id}")
    ResponseEntity<Answer> upload(@PathVariable long id, Locale locale) {
        CurrentUser user = CurrentUser.require();
        if (views.upload(user.orgUscc(), id).isEmpty()) {
            throw new Refused(HttpStatus.NOT_FOUND, "metering.upload.notFound", Long.toString(id));
        }
        return ResponseEntity.ok(answer(UploadResults.of(jdbc, id, true), locale));
    }

    private Answer answer(IngestResult result, Locale locale) {
        List<LineAnswer> lines = new ArrayList<>(result.results().size());
        for (IngestResult.LineResult r : result.results()) {
            lines.add(new LineAnswer(r.line(), r.eventId(), r.outcome().name().toLowerCase(Locale.ROOT), r.code(),
                    r.field(), r.usageId(), messages.getMessage(r.messageKey(), r.args().toArray(), locale)));
        }
        return new Answer(result.uploadId(), result.replayed(), result.lines(), result.accepted(), result.rejected(),
                result.problems(), lines);
    }

    static String format(String contentType) {
        if (contentType == null) {
            throw new Refused(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "metering.api.contentType");
        }
        MediaType type;
        try {
            type = MediaType.parseMediaType(contentType);
        } catch (IllegalArgumentException e) {
            throw new Refused(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "metering.api.contentType");
        }
        String subtype = type.getSubtype().toLowerCase(Locale.ROOT);
        if (type.getType().equalsIgnoreCase("text") && subtype.equals("csv")) {
            return "csv";
        }
        if (subtype.equals("x-ndjson") || subtype.equals("ndjson") || subtype.equals("jsonl")
                || subtype.equals("json") || subtype.equals("x-jsonlines")) {
            return "ndjson";
        }
        throw new Refused(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "metering.api.contentType");
    }

    private static byte[] read(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            throw new Refused(HttpStatus.CONTENT_TOO_LARGE, "metering.body.tooLarge", MAX_BODY_BYTES >> 20);
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new Refused(HttpStatus.CONTENT_TOO_LARGE, "metering.body.tooLarge", MAX_BODY_BYTES >> 20);
            }
            return body;
        }
    }

    @ExceptionHandler(Refused.class)
    ResponseEntity<ProblemDetail> refused(Refused e, Locale locale) {
        return problem(e.status, e.key, e.args, locale);
    }

    @ExceptionHandler(BodyException.class)
    ResponseEntity<ProblemDetail> badBody(BodyException e, Locale locale) {
        return problem(HttpStatus.BAD_REQUEST, e.messageKey(), e.args(), locale);
    }

    @ExceptionHandler(UsageIngestion.KeyConflict.class)
    ResponseEntity<ProblemDetail> conflict(UsageIngestion.KeyConflict e, Locale locale) {
        ResponseEntity<ProblemDetail> answer = problem(HttpStatus.CONFLICT, "metering.api.key.conflict",
                new Object[] {e.key}, locale);
        answer.getBody().setProperty("idempotencyKey", e.key);
        return answer;
    }

    private ResponseEntity<ProblemDetail> problem(HttpStatus status, String key, Object[] args, Locale locale) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, messages.getMessage(key, args, locale));
        problem.setTitle(messages.getMessage("metering.api.refused", null, locale));
        problem.setProperty("code", key);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
