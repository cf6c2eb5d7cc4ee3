package org.zhice.pool;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

/** The program office reviews offerings before they go live: approve, or reject with a reason. */
@Controller
@RequestMapping("/pool/review")
@PreAuthorize("hasRole('PROGRAM_OFFICE')")
class ReviewPages {

    private final Offerings offerings;
    private final Registry registry;
    private final MessageSource messages;

    ReviewPages(Offerings offerings, Registry registry, MessageSource messages) {
        this.offerings = offerings;
        this.registry = registry;
        this.messages = messages;
    }

    @GetMapping
    String queue(Model model, Locale locale) {
        List<Offering> pending = offerings.pending();
        Map<Long, Offering> previous = new HashMap<>();
        Map<Long, Offerings.Peak> peaks = new HashMap<>();
        Set<String> parties = new HashSet<>();
        for (Offering o : pending) {
            parties.add(o.providerUscc());
            offerings.peakDuringListing(o).ifPresent(p -> peaks.put(o.id(), p));
            if (o.supersedesId() != null) {
                offerings.find(o.supersedesId()).ifPresent(p -> previous.put(o.id(), p));
            }
        }
        model.addAttribute("pending", pending);
        model.addAttribute("previous", previous);
        model.addAttribute("peaks", peaks);
        model.addAttribute("names", registry.names(parties));
        model.addAttribute("today", offerings.today());
        model.addAttribute("regionNames", RegionNames.of(registry, locale));
        return "pool/review";
    }

    @PostMapping("/{id}/approve")
    String approve(@PathVariable long id, RedirectAttributes redirect, Locale locale) {
        try {
            Offering o = offerings.approve(id, CurrentUser.require().username());
            redirect.addFlashAttribute("notice", messages.getMessage("pool.review.approved",
                    new Object[] {o.sku(), o.version(), o.listedFrom(), o.listedTo()}, locale));
        } catch (PoolException e) {
            redirect.addFlashAttribute("errors", FormInput.shown(e.problems(), messages, locale));
        }
        return "redirect:/pool/review";
    }

    @PostMapping("/{id}/reject")
    String reject(@PathVariable long id, @RequestParam(name = "reason", required = false) String reason,
                  RedirectAttributes redirect, Locale locale) {
        try {
            Offering o = offerings.reject(id, reason, CurrentUser.require().username());
            redirect.addFlashAttribute("notice", messages.getMessage("pool.review.rejected",
                    new Object[] {o.sku(), o.version()}, locale));
        } catch (PoolException e) {
            redirect.addFlashAttribute("errors", FormInput.shown(e.problems(), messages, locale));
        }
        return "redirect:/pool/review";
    }
}
