package org.zhice.voucher;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.zhice.policy.ProgramCatalog;
import org.zhice.registry.Registry;
import org.zhice.rules.Application;

/**
 * The review queue (初审 / 审批): applications and redemptions waiting, oldest first, each with
 * its risk flags; an item's page shows the evidence (contract and its document, priced lines,
 * related-party path, usage counted) beside the forms. A reviewer prepares; an approver other
 * than the one who prepared decides (the database refuses the same user for both).
 */
@Controller
@RequestMapping("/vouchers/queue")
@PreAuthorize("hasAnyRole('REVIEWER', 'APPROVER', 'PROGRAM_OFFICE', 'AUDITOR')")
class QueuePages {

    private final Applications applications;
    private final Redemptions redemptions;
    private final Eligibility eligibility;
    private final RiskFlags risks;
    private final ProgramCatalog programs;
    private final Registry registry;
    private final VoucherPages pages;
    private final VoucherText text;
    private final MessageSource messages;

    QueuePages(Applications applications, Redemptions redemptions, Eligibility eligibility, RiskFlags risks,
               ProgramCatalog programs, Registry registry, VoucherPages pages, VoucherText text,
               MessageSource messages) {
        this.applications = applications;
        this.redemptions = redemptions;
        this.eligibility = eligibility;
        this.risks = risks;
        this.programs = programs;
        this.registry = registry;
        this.pages = pages;
        this.text = text;
        this.messages = messages;
    }

    @GetMapping
    String queue(Model model) {
        List<ApplicationRecord> waiting = applications.queue();
        Map<String, List<String>> flags = new LinkedHashMap<>();
        for (ApplicationRecord a : waiting) {
            flags.put(a.id(), assess(a).flags().stream().map(text::flag).toList());
        }
        List<RedemptionRecord> claims = redemptions.queue();
        Map<String, List<String>> claimFlags = new LinkedHashMap<>();
        for (RedemptionRecord r : claims) {
            ApplicationRecord a = applications.find(r.applicationId()).orElseThrow();
            claimFlags.put(r.id(), risks.of(r, a).stream().map(text::flag).toList());
        }
        java.util.Set<String> parties = new java.util.HashSet<>();
        waiting.forEach(a -> parties.add(a.enterpriseUscc()));
        claims.forEach(r -> parties.add(r.enterpriseUscc()));
        model.addAttribute("applications", waiting);
        model.addAttribute("flags", flags);
        model.addAttribute("redemptions", claims);
        model.addAttribute("claimFlags", claimFlags);
        model.addAttribute("names", registry.names(parties));
        return "voucher/queue";
    }

    private RiskFlags.Assessment assess(ApplicationRecord a) {
        ProgramCatalog.Version version = programs.current(a.programId()).orElseThrow();
        Eligibility.Facts facts = eligibility.gather(version.program(), new Application(a.id(),
                a.submittedAt().toInstant(), a.enterpriseUscc(), a.contractId()));
        return risks.of(a, facts);
    }

    @GetMapping("/applications/{id}")
    String application(@PathVariable String id, Model model) {
        ApplicationRecord application = applications.find(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        pages.detail(model, application);
        RiskFlags.Assessment assessment = assess(application);
        model.addAttribute("flags", assessment.flags().stream().map(text::flag).toList());
        model.addAttribute("riskPath", assessment.path().map(text::path).orElse(null));
        model.addAttribute("usedCap", applications.usedCapFen(application.programId(), application.enterpriseUscc()));
        if (!model.containsAttribute("errors")) {
            pages.errors(model, null);
        }
        return "voucher/review-application";
    }

    @PostMapping("/applications/{id}/prepare")
    @PreAuthorize("hasAnyRole('REVIEWER', 'APPROVER')")
    String prepareApplication(@PathVariable String id, @RequestParam(required = false) String recommendation,
                              @RequestParam(required = false) String note, RedirectAttributes redirect, Locale locale) {
        return act(redirect, locale, "applications", id, () -> applications.prepare(Actor.current(), id, recommendation,
                note), "voucher.review.prepared");
    }

    @PostMapping("/applications/{id}/decide")
    @PreAuthorize("hasRole('APPROVER')")
    String decideApplication(@PathVariable String id, @RequestParam(required = false) String decision,
                             @RequestParam(required = false) String note, RedirectAttributes redirect, Locale locale) {
        return act(redirect, locale, "applications", id, () -> applications.decide(Actor.current(), id,
                "approve".equals(decision), note), "voucher.review.decided");
    }

    @GetMapping("/redemptions/{id}")
    String redemption(@PathVariable String id, Model model) {
        RedemptionRecord redemption = redemptions.find(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        pages.redemptionDetail(model, redemption);
        ApplicationRecord application = applications.find(redemption.applicationId()).orElseThrow();
        model.addAttribute("flags", risks.of(redemption, application).stream().map(text::flag).toList());
        if ("pending".equals(redemption.stage()) || "prepared".equals(redemption.stage())) {
            ProgramCatalog.Version version = programs.current(redemption.programId()).orElseThrow();
            model.addAttribute("preview", redemptions.take(version.program(), application, redemption.periodFrom(),
                    redemption.periodTo()));
        }
        if (!model.containsAttribute("errors")) {
            pages.errors(model, null);
        }
        return "voucher/review-redemption";
    }

    @PostMapping("/redemptions/{id}/prepare")
    @PreAuthorize("hasAnyRole('REVIEWER', 'APPROVER')")
    String prepareRedemption(@PathVariable String id, @RequestParam(required = false) String recommendation,
                             @RequestParam(required = false) String note, RedirectAttributes redirect, Locale locale) {
        return act(redirect, locale, "redemptions", id, () -> redemptions.prepare(Actor.current(), id, recommendation,
                note), "voucher.review.prepared");
    }

    @PostMapping("/redemptions/{id}/decide")
    @PreAuthorize("hasRole('APPROVER')")
    String decideRedemption(@PathVariable String id, @RequestParam(required = false) String decision,
                            @RequestParam(required = false) String note, RedirectAttributes redirect, Locale locale) {
        return act(redirect, locale, "redemptions", id, () -> redemptions.decide(Actor.current(), id,
                "approve".equals(decision), note), "voucher.review.decided");
    }

    private String act(RedirectAttributes redirect, Locale locale, String kind, String id, Runnable action,
                       String done) {
        try {
            action.run();
            redirect.addFlashAttribute("notice", messages.getMessage(done, new Object[] {id}, locale));
        } catch (VoucherException e) {
            redirect.addFlashAttribute("errors", e.problems().stream().map(p -> text.problem(p, locale)).toList());
            redirect.addFlashAttribute("errorFields", e.problems().stream().map(VoucherException.Problem::field)
                    .filter(java.util.Objects::nonNull).collect(java.util.stream.Collectors.toSet()));
        }
        redirect.addAttribute("id", id);
        return "redirect:/vouchers/queue/" + kind + "/{id}";
    }
}
