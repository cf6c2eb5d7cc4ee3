package org.zhice.voucher;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.zhice.policy.ProgramCatalog;
import org.zhice.registry.Registry;

/**
 * The program office's voucher desk: the dashboard (available / reserved / granted / paid over
 * time, by district and by category, ECharts drawn by {@code static/js/voucher.js} from
 * {@code /vouchers/office/data}, with the forecast of when the pool runs out), the working-day
 * calendar of 公示, objections to resolve, disbursement batches with their bank files, and
 * clawbacks. Auditors see everything and change nothing.
 */
@Controller
@RequestMapping("/vouchers/office")
@PreAuthorize("hasAnyRole('PROGRAM_OFFICE', 'AUDITOR')")
class OfficePages {

    private final Dashboard dashboard;
    private final ProgramCatalog programs;
    private final ProgramFunds funds;
    private final WorkingDays workingDays;
    private final Objections objections;
    private final Redemptions redemptions;
    private final Disbursements disbursements;
    private final Clawbacks clawbacks;
    private final Registry registry;
    private final VoucherText text;
    private final MessageSource messages;
    private final Clock clock;

    OfficePages(Dashboard dashboard, ProgramCatalog programs, ProgramFunds funds, WorkingDays workingDays,
                Objections objections, Redemptions redemptions, Disbursements disbursements, Clawbacks clawbacks,
                Registry registry, VoucherText text, MessageSource messages, Clock clock) {
        this.dashboard = dashboard;
        this.programs = programs;
        this.funds = funds;
        this.workingDays = workingDays;
        this.objections = objections;
        this.redemptions = redemptions;
        this.disbursements = disbursements;
        this.clawbacks = clawbacks;
        this.registry = registry;
        this.text = text;
        this.messages = messages;
        this.clock = clock;
    }

    /** The program shown: the one asked for, else the first funded one, else the first program. */
    private String program(String asked) {
        List<ProgramCatalog.ProgramSummary> all = programs.currentPrograms();
        if (asked != null && all.stream().anyMatch(p -> p.id().equals(asked))) {
            return asked;
        }
        List<String> funded = funds.fundedPrograms();
        if (!funded.isEmpty()) {
            return funded.get(0);
        }
        if (all.isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        return all.get(0).id();
    }

    private void common(Model model, String programId) {
        model.addAttribute("programId", programId);
        model.addAttribute("programs", programs.currentPrograms());
        model.addAttribute("today", Clocks.today(clock));
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", List.of());
        }
    }

    // ------------------------------------------------------------------ dashboard

    @GetMapping
    String dashboard(@RequestParam(required = false) String program, Model model, Locale locale) {
        String programId = program(program);
        common(model, programId);
        model.addAttribute("figures", dashboard.figures(programId, locale));
        model.addAttribute("paceWeeks", Dashboard.PACE_WEEKS);
        model.addAttribute("ready", disbursements.ready(programId, Clocks.today(clock)).size());
        model.addAttribute("openObjections", objections.open().size());
        return "voucher/office";
    }

    @GetMapping(path = "/data", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    Dashboard.Figures data(@RequestParam(required = false) String program, Locale locale) {
        return dashboard.figures(program(program), locale);
    }

    // ------------------------------------------------------------------ calendar

    @GetMapping("/calendar")
    String calendar(@RequestParam(required = false) Integer year, Model model) {
        int shown = year == null ? Clocks.today(clock).getYear() : year;
        if (shown < 2000 || shown > 2100) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        common(model, null);
        model.addAttribute("year", shown);
        model.addAttribute("overrides", workingDays.year(shown));
        return "voucher/calendar";
    }

    @PostMapping("/calendar")
    @PreAuthorize("hasRole('PROGRAM_OFFICE')")
    String setDay(@RequestParam(required = false) String day, @RequestParam(required = false) String kind,
                  @RequestParam(required = false) String note, RedirectAttributes redirect, Locale locale) {
        LocalDate date = null;
        try {
            try {
                date = LocalDate.parse(day == null ? "" : day.strip());
            } catch (DateTimeParseException e) {
                throw VoucherException.invalid("day", "voucher.error.date.invalid", day == null ? "" : day);
            }
            if (!"working".equals(kind) && !"rest".equals(kind)) {
                throw VoucherException.invalid("kind", "voucher.calendar.kind.invalid");
            }
            workingDays.set(Actor.current(), date, "working".equals(kind), note, OffsetDateTime.now(clock));
            redirect.addFlashAttribute("notice", messages.getMessage("voucher.calendar.saved", new Object[] {date},
                    locale));
        } catch (VoucherException e) {
            redirect.addFlashAttribute("errors", e.problems().stream().map(p -> text.problem(p, locale)).toList());
        }
        redirect.addAttribute("year", date == null ? Clocks.today(clock).getYear() : date.getYear());
        return "redirect:/vouchers/office/calendar?year={year}";
    }

    // ------------------------------------------------------------------ objections

    @GetMapping("/objections")
    String objections(Model model) {
        common(model, null);
        List<Objections.Objection> open = objections.open();
        Map<String, RedemptionRecord> items = new LinkedHashMap<>();
        Set<String> parties = new HashSet<>();
        for (Objections.Objection o : open) {
            redemptions.find(o.redemptionId()).ifPresent(r -> {
                items.put(r.id(), r);
                parties.add(r.enterpriseUscc());
            });
        }
        model.addAttribute("objections", open);
        model.addAttribute("items", items);
        model.addAttribute("names", registry.names(parties));
        return "voucher/objections";
    }

    @PostMapping("/objections/{id}/resolve")
    @PreAuthorize("hasRole('PROGRAM_OFFICE')")
    String resolve(@PathVariable long id, @RequestParam(required = false) String outcome,
                   @RequestParam(required = false) String note, RedirectAttributes redirect, Locale locale) {
        try {
            if (!"upheld".equals(outcome) && !"dismissed".equals(outcome)) {
                throw VoucherException.invalid("outcome", "voucher.objection.outcome.invalid");
            }
            objections.resolve(Actor.current(), id, "upheld".equals(outcome), note);
            redirect.addFlashAttribute("notice", messages.getMessage("voucher.objection.resolved." + outcome,
                    new Object[] {id}, locale));
        } catch (VoucherException e) {
            redirect.addFlashAttribute("errors", e.problems().stream().map(p -> text.problem(p, locale)).toList());
        }
        return "redirect:/vouchers/office/objections";
    }

    // ------------------------------------------------------------------ disbursements

    @GetMapping("/disbursements")
    String disbursements(@RequestParam(required = false) String program, Model model) {
        String programId = program(program);
        common(model, programId);
        List<RedemptionRecord> ready = disbursements.ready(programId, Clocks.today(clock));
        Set<String> parties = new HashSet<>();
        ready.forEach(r -> parties.add(r.payeeUscc()));
        model.addAttribute("ready", ready);
        model.addAttribute("names", registry.names(parties));
        model.addAttribute("batches", disbursements.ofProgram(programId));
        return "voucher/disbursements";
    }

    @PostMapping("/disbursements")
    @PreAuthorize("hasRole('PROGRAM_OFFICE')")
    String runBatch(@RequestParam String program, RedirectAttributes redirect, Locale locale) {
        try {
            Disbursements.Batch batch = disbursements.run(Actor.current(), program);
            redirect.addFlashAttribute("notice", messages.getMessage("voucher.disbursement.done",
                    new Object[] {batch.id(), batch.lineCount()}, locale));
            redirect.addAttribute("id", batch.id());
            return "redirect:/vouchers/office/disbursements/{id}";
        } catch (VoucherException e) {
            redirect.addFlashAttribute("errors", e.problems().stream().map(p -> text.problem(p, locale)).toList());
            redirect.addAttribute("program", program);
            return "redirect:/vouchers/office/disbursements?program={program}";
        }
    }

    @GetMapping("/disbursements/{id}")
    String batch(@PathVariable long id, Model model) {
        Disbursements.Batch batch = disbursements.find(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        common(model, batch.programId());
        List<Disbursements.Line> lines = disbursements.lines(id);
        Set<String> parties = new HashSet<>();
        lines.forEach(l -> parties.add(l.payeeUscc()));
        model.addAttribute("batch", batch);
        model.addAttribute("lines", lines);
        model.addAttribute("names", registry.names(parties));
        return "voucher/disbursement";
    }

    @GetMapping("/disbursements/{id}/bank.csv")
    ResponseEntity<byte[]> bankFile(@PathVariable long id) {
        String file = disbursements.bankFile(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        return ResponseEntity.ok()
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"disbursement-" + id + ".csv\"")
                .body(file.getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ clawbacks

    @GetMapping("/clawbacks")
    String clawbacks(@RequestParam(required = false) String program, Model model) {
        String programId = program(program);
        common(model, programId);
        List<Clawbacks.Clawback> list = clawbacks.ofProgram(programId);
        Set<String> parties = new HashSet<>();
        list.forEach(c -> parties.add(c.enterpriseUscc()));
        Map<String, Long> open = new LinkedHashMap<>();
        list.forEach(c -> open.computeIfAbsent(c.enterpriseUscc(), e -> clawbacks.receivableFen(programId, e)));
        model.addAttribute("clawbacks", list);
        model.addAttribute("receivables", open);
        model.addAttribute("names", registry.names(parties));
        if (!model.containsAttribute("values")) {
            model.addAttribute("values", Map.of());
        }
        return "voucher/clawbacks";
    }

    @PostMapping("/clawbacks")
    @PreAuthorize("hasRole('PROGRAM_OFFICE')")
    String clawBack(@RequestParam Map<String, String> params, RedirectAttributes redirect, Locale locale) {
        String program = params.getOrDefault("program", "");
        try {
            long fen = Clawbacks.fen(params.get("amountYuan"));
            Clawbacks.Clawback c = clawbacks.record(Actor.current(), strip(params.get("redemptionId")), fen,
                    params.get("reason"));
            redirect.addFlashAttribute("notice", messages.getMessage("voucher.clawback.recorded",
                    new Object[] {c.redemptionId(), VoucherText.yuan(c.amountFen())}, locale));
            program = c.programId();
        } catch (VoucherException e) {
            List<String> shown = new ArrayList<>();
            e.problems().forEach(p -> shown.add(text.problem(p, locale)));
            redirect.addFlashAttribute("errors", shown);
            redirect.addFlashAttribute("values", params);
        }
        redirect.addAttribute("program", program);
        return "redirect:/vouchers/office/clawbacks?program={program}";
    }

    private static String strip(String value) {
        return value == null ? null : value.strip();
    }
}
