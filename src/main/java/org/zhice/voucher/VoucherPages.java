package org.zhice.voucher;

import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.MessageSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.zhice.identity.Role;
import org.zhice.policy.Program;
import org.zhice.policy.ProgramCatalog;
import org.zhice.registry.Registry;
import org.zhice.rules.Application;

/**
 * The enterprise's voucher pages: my vouchers (每一项在哪一步、为什么), apply with a contract from
 * the pool or one uploaded here, the application with its reasons in plain language, and redeem
 * on metered usage. A provider sees the vouchers on its contracts and the redemptions on them
 * (who filed, what usage counted, when and to whom paid), and redeems where the program has it
 * deduct ({@code provider_deducts}). Everyone sees only their own organisation's items (else 404).
 */
@Controller
@RequestMapping("/vouchers")
class VoucherPages {

    private final Applications applications;
    private final Redemptions redemptions;
    private final ContractFacts contracts;
    private final UploadedContracts uploads;
    private final Eligibility eligibility;
    private final ProgramCatalog programs;
    private final Clawbacks clawbacks;
    private final Disbursements disbursements;
    private final Registry registry;
    private final VoucherText text;
    private final MessageSource messages;
    private final Clock clock;

    VoucherPages(Applications applications, Redemptions redemptions, ContractFacts contracts, UploadedContracts uploads,
                 Eligibility eligibility, ProgramCatalog programs, Clawbacks clawbacks, Disbursements disbursements,
                 Registry registry, VoucherText text, MessageSource messages, Clock clock) {
        this.applications = applications;
        this.redemptions = redemptions;
        this.contracts = contracts;
        this.uploads = uploads;
        this.eligibility = eligibility;
        this.programs = programs;
        this.clawbacks = clawbacks;
        this.disbursements = disbursements;
        this.registry = registry;
        this.text = text;
        this.messages = messages;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ my vouchers

    @GetMapping("/mine")
    @PreAuthorize("hasAnyRole('ENTERPRISE', 'PROVIDER')")
    String mine(Model model) {
        Actor actor = Actor.current();
        boolean provider = actor.is(Role.PROVIDER);
        List<ApplicationRecord> list = provider ? applications.ofProvider(actor.orgUscc())
                : applications.ofEnterprise(actor.orgUscc());
        model.addAttribute("applications", list);
        // a provider sees the redemptions on its contracts, whoever filed them and whoever is paid
        List<Redemptions.OnContract> onContracts = provider ? redemptions.ofProvider(actor.orgUscc()) : List.of();
        model.addAttribute("onContracts", onContracts);
        model.addAttribute("redemptions", provider ? List.of() : redemptions.ofOrganisation(actor.orgUscc()));
        model.addAttribute("clawbacks", actor.is(Role.ENTERPRISE) ? clawbacks.ofEnterprise(actor.orgUscc()) : List.of());
        model.addAttribute("today", Clocks.today(clock));
        model.addAttribute("programNames", programNames());
        Set<String> parties = new HashSet<>();
        list.forEach(a -> parties.add(a.enterpriseUscc()));
        onContracts.forEach(c -> {
            parties.add(c.redemption().enterpriseUscc());
            if (c.paidToUscc() != null) {
                parties.add(c.paidToUscc());
            }
        });
        model.addAttribute("names", registry.names(parties));
        model.addAttribute("provider", provider);
        return "voucher/mine";
    }

    // ------------------------------------------------------------------ apply

    @GetMapping("/apply")
    @PreAuthorize("hasRole('ENTERPRISE')")
    String applyForm(@RequestParam(required = false) String contractId, Model model) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("contractId", contractId);
        return applyForm(model, values, null);
    }

    @PostMapping("/apply")
    @PreAuthorize("hasRole('ENTERPRISE')")
    String apply(@RequestParam Map<String, String> params, Model model, HttpServletResponse response,
                 RedirectAttributes redirect) {
        Actor actor = Actor.current();
        try {
            ApplicationRecord application = applications.apply(actor, params.get("programId"), params.get("contractId"));
            redirect.addAttribute("id", application.id());
            return "redirect:/vouchers/applications/{id}";
        } catch (VoucherException e) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            return applyForm(model, params, e);
        }
    }

    private String applyForm(Model model, Map<String, String> values, VoucherException e) {
        Actor actor = Actor.current();
        LocalDate today = Clocks.today(clock);
        List<ProgramCatalog.ProgramSummary> open = new ArrayList<>();
        String region = registry.organisation(actor.orgUscc()).map(o -> o.regionCode()).orElse("");
        for (ProgramCatalog.ProgramSummary p : programs.currentPrograms()) {
            if (region.startsWith(p.regionPrefix())) {
                open.add(p);
            }
        }
        model.addAttribute("programs", open);
        model.addAttribute("today", today);
        List<ContractFacts.Found> mine = contracts.ofEnterprise(actor.orgUscc());
        model.addAttribute("contracts", mine);
        Set<String> providers = new HashSet<>();
        mine.forEach(f -> providers.add(f.contract().providerUscc()));
        model.addAttribute("names", registry.names(providers));
        if (values.get("programId") == null && !open.isEmpty()) {
            open.stream().filter(p -> !today.isBefore(p.windowStart()) && !today.isAfter(p.windowEnd())).findFirst()
                    .ifPresent(p -> values.put("programId", p.id()));
        }
        model.addAttribute("values", values);
        errors(model, e);
        return "voucher/apply";
    }

    // ------------------------------------------------------------------ contracts uploaded

    @GetMapping("/contracts/new")
    @PreAuthorize("hasRole('ENTERPRISE')")
    String uploadForm(Model model) {
        return uploadForm(model, Map.of(), null);
    }

    @PostMapping(path = "/contracts", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @PreAuthorize("hasRole('ENTERPRISE')")
    String upload(@RequestParam Map<String, String> params,
                  @RequestParam(name = "document", required = false) MultipartFile document,
                  @RequestParam(name = "linesFile", required = false) MultipartFile linesFile, Model model,
                  HttpServletResponse response, RedirectAttributes redirect, Locale locale) throws IOException {
        Actor actor = Actor.current();
        String lines = params.get("lines");
        if (linesFile != null && !linesFile.isEmpty()) {
            if (linesFile.getSize() > 64 * 1024) {
                response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
                return uploadForm(model, params, VoucherException.invalid("lines", "voucher.upload.csv.tooLarge", 64));
            }
            byte[] raw = linesFile.getBytes();
            int badLine = firstLineNotUtf8(raw);
            if (badLine > 0) {
                response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
                return uploadForm(model, params, VoucherException.invalid("lines", "voucher.upload.csv.encoding", Integer.toString(badLine)));
            }
            lines = new String(raw, java.nio.charset.StandardCharsets.UTF_8).replace("\uFEFF", "");
        }
        byte[] bytes = document == null || document.isEmpty() ? null : document.getBytes();
        try {
            String id = uploads.store(actor, actor.orgUscc(), new UploadedContracts.Upload(params.get("providerUscc"),
                    params.get("externalRef"), params.get("signedOn"), params.get("startOn"), params.get("endOn"), lines,
                    document == null ? null : document.getOriginalFilename(), bytes));
            redirect.addFlashAttribute("notice", messages.getMessage("voucher.upload.stored", new Object[] {id}, locale));
            redirect.addAttribute("contractId", id);
            return "redirect:/vouchers/apply";
        } catch (VoucherException e) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            return uploadForm(model, params, e);
        }
    }

    /** The line (from 1) of the first byte that is not UTF-8, or 0 when the whole file is UTF-8. */
    static int firstLineNotUtf8(byte[] bytes) {
        java.nio.charset.CharsetDecoder decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
        java.nio.charset.CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            return 0;
        }
        int line = 1;
        for (int i = 0; i < in.position(); i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    private String uploadForm(Model model, Map<String, String> values, VoucherException e) {
        model.addAttribute("values", values);
        model.addAttribute("shortHeader", UploadedContracts.SHORT_HEADER);
        model.addAttribute("fullHeader", UploadedContracts.FULL_HEADER);
        model.addAttribute("maxMb", UploadedContracts.MAX_DOCUMENT_BYTES / (1024 * 1024));
        errors(model, e);
        return "voucher/upload";
    }

    @GetMapping("/contracts/{id}/document")
    @PreAuthorize("hasAnyRole('ENTERPRISE', 'REVIEWER', 'APPROVER', 'PROGRAM_OFFICE', 'AUDITOR')")
    ResponseEntity<byte[]> document(@PathVariable String id) {
        Actor actor = Actor.current();
        ContractFacts.Found found = contracts.uploaded(id)
                .filter(f -> actor.maySee(f.contract().enterpriseUscc()))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        UploadedContracts.Document document = uploads.document(found.documentSha256()).orElseThrow();
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(document.mediaType()))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + id + extension(document.mediaType()) + "\"")
                .header("X-Content-Type-Options", "nosniff")
                .body(document.content());
    }

    private static String extension(String mediaType) {
        return switch (mediaType) {
            case "application/pdf" -> ".pdf";
            case "image/png" -> ".png";
            default -> ".jpg";
        };
    }

    // ------------------------------------------------------------------ an application

    @GetMapping("/applications/{id}")
    @PreAuthorize("isAuthenticated()")
    String application(@PathVariable String id, Model model) {
        Actor actor = Actor.current();
        ApplicationRecord application = applications.visible(actor, id, contracts)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        detail(model, application);
        model.addAttribute("redemptions", redemptions.ofApplication(id));
        model.addAttribute("today", Clocks.today(clock));
        ProgramCatalog.Version version = programs.current(application.programId()).orElseThrow();
        boolean deducts = version.program().redemptionMode() == Program.RedemptionMode.PROVIDER_DEDUCTS;
        model.addAttribute("mayRedeem", application.open()
                && ((deducts && actor.is(Role.PROVIDER)) || (!deducts && actor.is(Role.ENTERPRISE))));
        return "voucher/application";
    }

    /** The facts of an application as the pages show them (evidence for reviewers too). */
    void detail(Model model, ApplicationRecord application) {
        model.addAttribute("app", application);
        ProgramCatalog.Version version = programs.current(application.programId()).orElseThrow();
        Eligibility.Facts facts = eligibility.gather(version.program(), new Application(application.id(),
                application.submittedAt().toInstant(), application.enterpriseUscc(), application.contractId()));
        model.addAttribute("program", version.program());
        model.addAttribute("facts", facts);
        Set<String> parties = new HashSet<>();
        parties.add(application.enterpriseUscc());
        if (facts.contract() != null) {
            parties.add(facts.contract().contract().providerUscc());
        }
        model.addAttribute("names", registry.names(parties));
        model.addAttribute("path", facts.relatedPath().map(text::path).orElse(null));
    }

    // ------------------------------------------------------------------ redeem

    @GetMapping("/applications/{id}/redeem")
    @PreAuthorize("hasAnyRole('ENTERPRISE', 'PROVIDER')")
    String redeemForm(@PathVariable String id, Model model) {
        ApplicationRecord application = applications.visible(Actor.current(), id, contracts)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        Map<String, String> values = new LinkedHashMap<>();
        values.put("periodFrom", application.submittedAt().toLocalDate().withDayOfMonth(1).toString());
        values.put("periodTo", Clocks.today(clock).toString());
        return redeemForm(model, application, values, null);
    }

    @PostMapping("/applications/{id}/redeem")
    @PreAuthorize("hasAnyRole('ENTERPRISE', 'PROVIDER')")
    String redeem(@PathVariable String id, @RequestParam Map<String, String> params, Model model,
                  HttpServletResponse response, RedirectAttributes redirect) {
        Actor actor = Actor.current();
        ApplicationRecord application = applications.visible(actor, id, contracts)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        try {
            LocalDate from = date("periodFrom", params.get("periodFrom"));
            LocalDate to = date("periodTo", params.get("periodTo"));
            RedemptionRecord redemption = redemptions.file(actor, new Redemptions.Claim(id, from, to,
                    "true".equals(params.get("last")), List.of(Optional.ofNullable(params.get("invoices")).orElse(""))));
            redirect.addAttribute("rid", redemption.id());
            return "redirect:/vouchers/redemptions/{rid}";
        } catch (VoucherException e) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            return redeemForm(model, application, params, e);
        }
    }

    private String redeemForm(Model model, ApplicationRecord application, Map<String, String> values,
                              VoucherException e) {
        model.addAttribute("app", application);
        model.addAttribute("values", values);
        errors(model, e);
        return "voucher/redeem";
    }

    static LocalDate date(String field, String value) {
        if (value == null || value.isBlank()) {
            throw VoucherException.invalid(field, "voucher.error.date.required");
        }
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw VoucherException.invalid(field, "voucher.error.date.invalid", value);
        }
    }

    @GetMapping("/redemptions/{id}")
    @PreAuthorize("isAuthenticated()")
    String redemption(@PathVariable String id, Model model) {
        Actor actor = Actor.current();
        RedemptionRecord redemption = redemptions.visible(actor, id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        redemptionDetail(model, redemption);
        return "voucher/redemption";
    }

    void redemptionDetail(Model model, RedemptionRecord redemption) {
        model.addAttribute("redemption", redemption);
        model.addAttribute("app", applications.find(redemption.applicationId()).orElseThrow());
        model.addAttribute("invoices", redemptions.invoiceNumbers(redemption.id()));
        model.addAttribute("counted", redemptions.counted(redemption.id()));
        model.addAttribute("line", disbursements.lineOf(redemption.id()).orElse(null));
        model.addAttribute("today", Clocks.today(clock));
        model.addAttribute("names", registry.names(List.of(redemption.enterpriseUscc(), redemption.payeeUscc())));
    }

    private Map<String, String> programNames() {
        Map<String, String> names = new LinkedHashMap<>();
        programs.currentPrograms().forEach(p -> names.put(p.id(), p.name()));
        return names;
    }

    void errors(Model model, VoucherException e) {
        List<String> shown = new ArrayList<>();
        Set<String> fields = new HashSet<>();
        if (e != null) {
            Locale locale = org.springframework.context.i18n.LocaleContextHolder.getLocale();
            e.problems().forEach(p -> {
                shown.add(text.problem(p, locale));
                if (p.field() != null) {
                    fields.add(p.field());
                }
            });
        }
        model.addAttribute("errors", shown);
        model.addAttribute("errorFields", fields);
    }
}
