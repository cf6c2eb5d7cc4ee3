package org.zhice.metering;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.context.MessageSource;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.zhice.identity.CurrentUser;
import org.zhice.registry.Registry;

/** The program office resolves enterprises' disputes of usage events; auditors may look. */
@Controller
@RequestMapping("/metering/disputes")
class DisputePages {

    private final MeteringViews views;
    private final Disputes disputes;
    private final Registry registry;
    private final MessageSource messages;

    DisputePages(MeteringViews views, Disputes disputes, Registry registry, MessageSource messages) {
        this.views = views;
        this.disputes = disputes;
        this.registry = registry;
        this.messages = messages;
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('PROGRAM_OFFICE', 'AUDITOR')")
    String list(Model model) {
        List<MeteringViews.DisputeRow> open = views.disputes(true);
        List<MeteringViews.DisputeRow> resolved = views.disputes(false);
        Set<String> parties = new HashSet<>();
        for (List<MeteringViews.DisputeRow> list : List.of(open, resolved)) {
            list.forEach(d -> {
                parties.add(d.enterpriseUscc());
                parties.add(d.providerUscc());
            });
        }
        model.addAttribute("open", open);
        model.addAttribute("resolved", resolved);
        model.addAttribute("names", registry.names(parties));
        model.addAttribute("mayResolve", CurrentUser.get().map(u -> u.role().name().equals("PROGRAM_OFFICE"))
                .orElse(false));
        return "metering/disputes";
    }

    @PostMapping("/{id}/uphold")
    @PreAuthorize("hasRole('PROGRAM_OFFICE')")
    String uphold(@PathVariable long id, @RequestParam(name = "note", required = false) String note,
                  RedirectAttributes redirect, Locale locale) {
        return resolve(id, note, true, redirect, locale);
    }

    @PostMapping("/{id}/dismiss")
    @PreAuthorize("hasRole('PROGRAM_OFFICE')")
    String dismiss(@PathVariable long id, @RequestParam(name = "note", required = false) String note,
                   RedirectAttributes redirect, Locale locale) {
        return resolve(id, note, false, redirect, locale);
    }

    private String resolve(long id, String note, boolean uphold, RedirectAttributes redirect, Locale locale) {
        String actor = CurrentUser.require().username();
        try {
            if (uphold) {
                disputes.uphold(id, note, actor);
            } else {
                disputes.dismiss(id, note, actor);
            }
            redirect.addFlashAttribute("notice", messages.getMessage(
                    uphold ? "metering.dispute.upheld" : "metering.dispute.dismissed", new Object[] {id}, locale));
        } catch (MeteringException e) {
            redirect.addFlashAttribute("error", messages.getMessage(e.messageKey(), e.args(), locale));
        }
        return "redirect:/metering/disputes";
    }
}
