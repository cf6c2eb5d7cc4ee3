package org.zhice.metering;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

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
import org.springframework.web.util.UriComponentsBuilder;
import org.zhice.identity.CurrentUser;
import org.zhice.registry.Registry;

/**
 * An enterprise's usage as its providers reported it: per contract, per day (by the event's start
 * in +08:00), then the events of a day, each of which it can dispute with a reason.
 */
@Controller
@RequestMapping("/metering/usage")
@PreAuthorize("hasRole('ENTERPRISE')")
class UsagePages {

    private final MeteringViews views;
    private final Disputes disputes;
    private final Registry registry;
    private final MessageSource messages;

    UsagePages(MeteringViews views, Disputes disputes, Registry registry, MessageSource messages) {
        this.views = views;
        this.disputes = disputes;
        this.registry = registry;
        this.messages = messages;
    }

    @GetMapping
    String usage(@RequestParam(name = "contract", required = false) String contract,
                 @RequestParam(name = "day", required = false) String day, Model model) {
        CurrentUser user = CurrentUser.require();
        List<MeteringViews.LineRow> lines = views.lines(user.orgUscc());
        model.addAttribute("lines", lines);
        model.addAttribute("names", registry.names(lines.stream().map(MeteringViews.LineRow::providerUscc)
                .distinct().toList()));
        String selected = contract;
        if (selected == null && !lines.isEmpty()) {
            selected = lines.get(0).contractId();
        }
        String chosen = selected;
        boolean known = lines.stream().anyMatch(l -> l.contractId().equals(chosen));
        model.addAttribute("contract", known ? selected : null);
        if (known) {
            model.addAttribute("days", views.days(user.orgUscc(), selected));
            LocalDate date = date(day);
            model.addAttribute("day", date);
            if (date != null) {
                model.addAttribute("events", views.events(user.orgUscc(), selected, date));
            }
        }
        return "metering/usage";
    }

    @PostMapping("/{usageId}/dispute")
    String dispute(@PathVariable long usageId, @RequestParam(name = "reason", required = false) String reason,
                   @RequestParam(name = "contract", required = false) String contract,
                   @RequestParam(name = "day", required = false) String day, RedirectAttributes redirect,
                   Locale locale) {
        CurrentUser user = CurrentUser.require();
        try {
            long id = disputes.raise(user.orgUscc(), usageId, reason, user.username());
            redirect.addFlashAttribute("notice", messages.getMessage("metering.dispute.raised",
                    new Object[] {id}, locale));
        } catch (MeteringException e) {
            redirect.addFlashAttribute("error", messages.getMessage(e.messageKey(), e.args(), locale));
        }
        return "redirect:" + UriComponentsBuilder.fromPath("/metering/usage")
                .queryParamIfPresent("contract", java.util.Optional.ofNullable(contract))
                .queryParamIfPresent("day", java.util.Optional.ofNullable(date(day)))
                .encode().build().toUriString();
    }

    private static LocalDate date(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
