package org.zhice.voucher;

import java.net.URI;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The voucher REST API for machine clients (bearer tokens): applications, redemptions, review
 * decisions and the budget. Every POST requires an {@code Idempotency-Key} header, stored with
 * its effect: the same key and body answer the first answer again, the same key with another
 * body is a 409 naming the key, no key is a 400. Errors are {@code application/problem+json}
 * with the field and a message in the caller's language ({@code Accept-Language}).
 */
@RestController
@RequestMapping(path = "/api/vouchers", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "vouchers", description = "算力券: applications (申领), redemptions (兑付), decisions, budget")
@SecurityRequirement(name = "bearer")
class VoucherApi {

    static final String KEY = "Idempotency-Key";

    private final Applications applications;
    private final Redemptions redemptions;
    private final ContractFacts contracts;
    private final Dashboard dashboard;
    private final IdempotentRequests idempotent;
    private final VoucherText text;
    private final JsonMapper json;
    private final org.zhice.registry.Registry registry;
    private final java.time.Clock clock;

    VoucherApi(Applications applications, Redemptions redemptions, ContractFacts contracts, Dashboard dashboard,
               IdempotentRequests idempotent, VoucherText text, JsonMapper json, org.zhice.registry.Registry registry,
               java.time.Clock clock) {
        this.clock = clock;
        this.registry = registry;
        this.applications = applications;
        this.redemptions = redemptions;
        this.contracts = contracts;
        this.dashboard = dashboard;
        this.idempotent = idempotent;
        this.text = text;
        this.json = json;
    }

    // ------------------------------------------------------------------ bodies and views

    @Schema(description = "申领: apply for a voucher covering one contract (from the pool or uploaded)")
    record ApplyBody(@Schema(example = "hz-2026-compute") String programId,
                     @Schema(example = "PC2026-000001") String contractId) {
    }

    @Schema(description = "A review step: a reviewer's recommendation (初审)")
    record PrepareBody(@Schema(allowableValues = {"approve", "reject"}) String recommendation, String note) {
    }

    @Schema(description = "An approver's decision (审批); a note is required to reject")
    record DecideBody(Boolean approve, String note) {
        boolean approved() {
            if (approve == null) {
                throw VoucherException.invalid("approve", "voucher.error.approve.required");
            }
            return approve;
        }
    }

    @Schema(description = "兑付: claim the subsidy on the metered usage of [periodFrom, periodTo]")
    record RedeemBody(String applicationId, LocalDate periodFrom, LocalDate periodTo, Boolean last,
                      List<String> invoices) {
    }

    record Reason(String code, String text) {
    }

    record ApplicationView(String id, String programId, String enterpriseUscc, String contractId, String stage,
                           String status, String standing, long requestFen, long reservationFen, long leftFen,
                           long grantedFen, List<Reason> reasons, OffsetDateTime submittedAt, String recommendation,
                           String preparedBy, String decidedBy, OffsetDateTime decidedAt) {
    }

    /**
     * A redemption: {@code usageFen} is the metered usage it counted (once decided); {@code paidOn}
     * and {@code paidToUscc} are the value date and the payee of the disbursement batch that paid
     * {@code paidFen}, null until one did.
     */
    record RedemptionView(String id, String applicationId, String programId, String enterpriseUscc, String payeeUscc,
                          LocalDate periodFrom, LocalDate periodTo, boolean last, String stage, String status,
                          String standing, long rawFen, long subsidyFen, List<Reason> reasons, List<String> invoices,
                          LocalDate noticeFrom, LocalDate noticeUntil, int openObjections, long paidFen,
                          String contractId, String enterpriseName, String mode, long usageFen, LocalDate paidOn,
                          String paidToUscc) {
    }

    record BudgetView(String programId, long budgetFen, long availableFen, long reservedFen, long grantedFen,
                      long paidFen, long ledgerAvailableFen) {
    }

    // ------------------------------------------------------------------ applications

    @PostMapping(path = "/applications", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasRole('ENTERPRISE')")
    @Operation(summary = "Apply (申领); eligibility runs at once",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(
                    content = @Content(schema = @Schema(implementation = ApplyBody.class))))
    ResponseEntity<String> apply(@Parameter(required = true) @RequestHeader(name = KEY, required = false) String key,
                                 @RequestBody(required = false) String body, HttpServletRequest request) {
        return once(key, body, request, ApplyBody.class, (actor, input) -> {
            ApplicationRecord a = applications.apply(actor, input.programId(), input.contractId());
            return ResponseEntity.created(URI.create("/api/vouchers/applications/" + a.id())).body(view(a));
        });
    }

    @GetMapping("/applications")
    @PreAuthorize("hasAnyRole('ENTERPRISE', 'PROVIDER', 'REVIEWER', 'APPROVER', 'PROGRAM_OFFICE', 'AUDITOR')")
    @Operation(summary = "Applications: one's own (enterprise, provider), the queue or a program's (staff)")
    List<ApplicationView> applications(@RequestParam(required = false) String programId) {
        Actor actor = Actor.current();
        List<ApplicationRecord> list = switch (actor.role()) {
            case ENTERPRISE -> applications.ofEnterprise(actor.orgUscc());
            case PROVIDER -> applications.ofProvider(actor.orgUscc());
            default -> programId == null ? applications.queue() : applications.ofProgram(programId);
        };
        return list.stream().map(this::view).toList();
    }

    @GetMapping("/applications/{id}")
    @PreAuthorize("isAuthenticated()")
    ApplicationView application(@PathVariable String id) {
        return applications.visible(Actor.current(), id, contracts).map(this::view)
                .orElseThrow(() -> VoucherException.notFound("voucher.error.application.notFound", id));
    }

    @PostMapping(path = "/applications/{id}/preparation", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasAnyRole('REVIEWER', 'APPROVER')")
    @Operation(summary = "初审: recommend approving or rejecting",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(
                    content = @Content(schema = @Schema(implementation = PrepareBody.class))))
    ResponseEntity<String> prepareApplication(@RequestHeader(name = KEY, required = false) String key,
                                              @PathVariable String id, @RequestBody(required = false) String body,
                                              HttpServletRequest request) {
        return once(key, body, request, PrepareBody.class, (actor, input) ->
                ResponseEntity.ok(view(applications.prepare(actor, id, input.recommendation(), input.note()))));
    }

    @PostMapping(path = "/applications/{id}/decision", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasRole('APPROVER')")
    @Operation(summary = "审批: decide (another user than the one who prepared); approval reserves on the ledger",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(
                    content = @Content(schema = @Schema(implementation = DecideBody.class))))
    ResponseEntity<String> decideApplication(@RequestHeader(name = KEY, required = false) String key,
                                             @PathVariable String id, @RequestBody(required = false) String body,
                                             HttpServletRequest request) {
        return once(key, body, request, DecideBody.class, (actor, input) ->
                ResponseEntity.ok(view(applications.decide(actor, id, input.approved(), input.note()))));
    }

    // ------------------------------------------------------------------ redemptions

    @PostMapping(path = "/redemptions", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasAnyRole('ENTERPRISE', 'PROVIDER')")
    @Operation(summary = "Redeem (兑付) on metered usage, with invoice numbers",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(
                    content = @Content(schema = @Schema(implementation = RedeemBody.class))))
    ResponseEntity<String> redeem(@RequestHeader(name = KEY, required = false) String key,
                                  @RequestBody(required = false) String body, HttpServletRequest request) {
        return once(key, body, request, RedeemBody.class, (actor, input) -> {
            RedemptionRecord r = redemptions.file(actor, new Redemptions.Claim(input.applicationId(),
                    input.periodFrom(), input.periodTo(), Boolean.TRUE.equals(input.last()), input.invoices()));
            return ResponseEntity.created(URI.create("/api/vouchers/redemptions/" + r.id())).body(view(r));
        });
    }

    @GetMapping("/redemptions")
    @PreAuthorize("isAuthenticated()")
    @Operation(summary = "Redemptions: one's own (enterprise), those on one's contracts (provider), the queue or a program's (staff)")
    List<RedemptionView> redemptions(@RequestParam(required = false) String programId) {
        Actor actor = Actor.current();
        if (actor.is(org.zhice.identity.Role.PROVIDER)) {
            return views(redemptions.ofProvider(actor.orgUscc()));
        }
        List<RedemptionRecord> list = actor.role().boundToOrganisation() ? redemptions.ofOrganisation(actor.orgUscc())
                : programId == null ? redemptions.queue() : redemptions.ofProgram(programId);
        return list.stream().map(this::view).toList();
    }

    @GetMapping("/redemptions/{id}")
    @PreAuthorize("isAuthenticated()")
    RedemptionView redemption(@PathVariable String id) {
        return redemptions.visible(Actor.current(), id).map(this::view)
                .orElseThrow(() -> VoucherException.notFound("voucher.error.redemption.notFound", id));
    }

    @PostMapping(path = "/redemptions/{id}/preparation", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasAnyRole('REVIEWER', 'APPROVER')")
    @Operation(requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(
            content = @Content(schema = @Schema(implementation = PrepareBody.class))))
    ResponseEntity<String> prepareRedemption(@RequestHeader(name = KEY, required = false) String key,
                                             @PathVariable String id, @RequestBody(required = false) String body,
                                             HttpServletRequest request) {
        return once(key, body, request, PrepareBody.class, (actor, input) ->
                ResponseEntity.ok(view(redemptions.prepare(actor, id, input.recommendation(), input.note()))));
    }

    @PostMapping(path = "/redemptions/{id}/decision", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasRole('APPROVER')")
    @Operation(summary = "Decide a redemption; approval grants on the ledger and starts 公示",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(
                    content = @Content(schema = @Schema(implementation = DecideBody.class))))
    ResponseEntity<String> decideRedemption(@RequestHeader(name = KEY, required = false) String key,
                                            @PathVariable String id, @RequestBody(required = false) String body,
                                            HttpServletRequest request) {
        return once(key, body, request, DecideBody.class, (actor, input) ->
                ResponseEntity.ok(view(redemptions.decide(actor, id, input.approved(), input.note()))));
    }

    // ------------------------------------------------------------------ budget

    @GetMapping("/budget")
    @PreAuthorize("isAuthenticated()")
    @Operation(summary = "A program's budget: available, reserved, granted, paid (fen)")
    BudgetView budget(@RequestParam String programId, Locale locale) {
        Dashboard.Figures f = dashboard.figures(programId, locale);
        return new BudgetView(programId, f.budgetFen(), f.availableFen(), f.reservedFen(), f.grantedFen(), f.paidFen(),
                f.ledgerAvailableFen());
    }

    // ------------------------------------------------------------------ helpers

    /** A POST that takes effect at most once per Idempotency-Key: the body is read and acted on inside. */
    private <T> ResponseEntity<String> once(String key, String body, HttpServletRequest request, Class<T> type,
                                            java.util.function.BiFunction<Actor, T, ResponseEntity<?>> action) {
        Actor actor = Actor.current();
        return answer(idempotent.run(actor.username(), key, "POST", request.getRequestURI(), body,
                () -> action.apply(actor, read(body, type))));
    }

    private <T> T read(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw VoucherException.invalid("body", "voucher.api.body.required");
        }
        if (body.indexOf('\0') >= 0 || body.contains("\\u0000")) {   // NUL: PostgreSQL refuses it even as a query parameter
            throw VoucherException.invalid("body", "voucher.api.body.invalid", "NUL (\\u0000)");
        }
        int surrogate = unpairedSurrogate(body);
        if (surrogate >= 0) {   // not a character: the database driver would store it as '?'
            throw VoucherException.invalid("body", "voucher.api.body.surrogate", Integer.toString(surrogate + 1));
        }
        try {
            T value = json.readValue(body, type);
            if (value == null) {
                throw VoucherException.invalid("body", "voucher.api.body.required");
            }
            return value;
        } catch (JacksonException e) {
            throw VoucherException.invalid("body", "voucher.api.body.invalid", e.getOriginalMessage());
        }
    }

    /**
     * The offset in {@code body} of an unpaired UTF-16 surrogate, written raw or as a JSON
     * {@code \\uXXXX} escape inside a string; -1 when there is none. Escapes outside strings are
     * left to the JSON parser.
     */
    static int unpairedSurrogate(String body) {
        boolean inString = false;
        int pendingHigh = -1;   // offset of a high surrogate that waits for its low half
        int i = 0;
        while (i < body.length()) {
            int start = i;
            char c = body.charAt(i++);
            int unit = -1;
            if (!inString) {
                if (c == '"') {
                    inString = true;
                } else if (Character.isSurrogate(c)) {
                    unit = c;
                }
            } else if (c == '"') {
                inString = false;
            } else if (c == '\\' && i < body.length()) {
                char e = body.charAt(i++);
                if (e == 'u' && i + 4 <= body.length()) {
                    try {
                        unit = Integer.parseInt(body, i, i + 4, 16);
                        i += 4;
                    } catch (NumberFormatException notHex) {
                        unit = -1;   // the parser names it
                    }
                }
            } else {
                unit = c;
            }
            boolean high = unit >= 0xD800 && unit <= 0xDBFF;
            boolean low = unit >= 0xDC00 && unit <= 0xDFFF;
            if (pendingHigh >= 0 && !low) {
                return pendingHigh;
            }
            if (low && pendingHigh < 0) {
                return start;
            }
            pendingHigh = high ? start : -1;
        }
        return pendingHigh;
    }

    private static ResponseEntity<String> answer(IdempotentRequests.Answer answer) {
        return ResponseEntity.status(answer.status())
                .contentType(MediaType.APPLICATION_JSON)
                .header("Idempotent-Replayed", Boolean.toString(answer.replayed()))
                .body(answer.json());
    }

    private List<Reason> reasons(List<String> codes) {
        return codes.stream().map(c -> new Reason(c, text.reason(c))).toList();
    }

    ApplicationView view(ApplicationRecord a) {
        return new ApplicationView(a.id(), a.programId(), a.enterpriseUscc(), a.contractId(), a.stage(), a.status(),
                a.standing(), a.requestFen(), a.reservationFen(), a.leftFen(), a.grantedFen(),
                reasons(a.decided() ? a.reasons() : a.eligibilityReasons()), a.submittedAt(), a.recommendation(),
                a.preparedBy(), a.decidedBy(), a.decidedAt());
    }

    RedemptionView view(RedemptionRecord r) {
        Redemptions.OnContract c = redemptions.onContract(r.id())
                .orElseThrow(() -> new IllegalStateException("redemption " + r.id() + " without its application"));
        return view(new Redemptions.OnContract(r, c.contractId(), c.providerUscc(), c.usageFen(), c.usageEvents(),
                c.paidOn(), c.paidToUscc()), registry.names(List.of(r.enterpriseUscc())));
    }

    private List<RedemptionView> views(List<Redemptions.OnContract> list) {
        java.util.Map<String, String> names = registry.names(
                list.stream().map(c -> c.redemption().enterpriseUscc()).distinct().toList());
        return list.stream().map(c -> view(c, names)).toList();
    }

    private RedemptionView view(Redemptions.OnContract c, java.util.Map<String, String> names) {
        RedemptionRecord r = c.redemption();
        return new RedemptionView(r.id(), r.applicationId(), r.programId(), r.enterpriseUscc(), r.payeeUscc(),
                r.periodFrom(), r.periodTo(), r.last(), r.stage(), r.status(), r.standing(Clocks.today(clock)),
                r.rawFen(), r.subsidyFen(), reasons(r.reasons()), redemptions.invoiceNumbers(r.id()), r.noticeFrom(),
                r.noticeUntil(), r.openObjections(), r.paidFen(), c.contractId(), names.get(r.enterpriseUscc()),
                r.mode(), c.usageFen(), c.paidOn(), c.paidToUscc());
    }

    static HttpStatus status(VoucherException.Kind kind) {
        return switch (kind) {
            case INVALID -> HttpStatus.UNPROCESSABLE_CONTENT;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
        };
    }
}
