package org.zhice.voucher;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
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

/**
 * 公示, in public (no sign-in): the subsidies approved and in their notice window, each with the
 * working day its window ends, and a form where anyone may object. An item held by an objection
 * stays listed, marked, until the program office resolves it. Contacts of objectors are never
 * shown.
 */
@Controller
@RequestMapping("/public/notices")
class PublicNoticePages {

    private final Redemptions redemptions;
    private final Objections objections;
    private final ProgramCatalog programs;
    private final Registry registry;
    private final VoucherPages pages;
    private final MessageSource messages;
    private final Clock clock;

    PublicNoticePages(Redemptions redemptions, Objections objections, ProgramCatalog programs, Registry registry,
                      VoucherPages pages, MessageSource messages, Clock clock) {
        this.redemptions = redemptions;
        this.objections = objections;
        this.programs = programs;
        this.registry = registry;
        this.pages = pages;
        this.messages = messages;
        this.clock = clock;
    }

    @GetMapping
    String list(Model model) {
        List<RedemptionRecord> items = redemptions.inNotice(Clocks.today(clock));
        Set<String> parties = new HashSet<>();
        items.forEach(r -> {
            parties.add(r.enterpriseUscc());
            parties.add(r.payeeUscc());
        });
        model.addAttribute("items", items);
        model.addAttribute("names", registry.names(parties));
        model.addAttribute("programNames", programNames());
        model.addAttribute("today", Clocks.today(clock));
        return "voucher/notices";
    }

    @GetMapping("/{id}")
    String item(@PathVariable String id, Model model) {
        RedemptionRecord item = listed(id);
        model.addAttribute("item", item);
        model.addAttribute("names", registry.names(List.of(item.enterpriseUscc(), item.payeeUscc())));
        model.addAttribute("programNames", programNames());
        model.addAttribute("objectionCount", objections.count(id));
        model.addAttribute("today", Clocks.today(clock));
        if (!model.containsAttribute("values")) {
            model.addAttribute("values", Map.of());
        }
        if (!model.containsAttribute("errors")) {
            pages.errors(model, null);
        }
        return "voucher/notice";
    }

    @PostMapping("/{id}/objections")
    String object(@PathVariable String id, @RequestParam Map<String, String> params, HttpServletRequest request,
                  RedirectAttributes redirect, Model model, jakarta.servlet.http.HttpServletResponse response,
                  Locale locale) {
        listed(id);
        try {
            objections.file(id, new Objections.Form(params.get("name"), params.get("contact"), params.get("text")),
                    request.getRemoteAddr());
            redirect.addFlashAttribute("notice", messages.getMessage("voucher.objection.filed", null, locale));
            redirect.addAttribute("id", id);
            return "redirect:/public/notices/{id}";
        } catch (VoucherException e) {
            response.setStatus(e.kind() == VoucherException.Kind.CONFLICT ? HttpStatus.TOO_MANY_REQUESTS.value()
                    : HttpStatus.UNPROCESSABLE_CONTENT.value());
            if (e.kind() == VoucherException.Kind.CONFLICT
                    && !"voucher.objection.tooMany".equals(e.problems().get(0).code())) {
                response.setStatus(HttpStatus.CONFLICT.value());
            }
            model.addAttribute("values", params);
            pages.errors(model, e);
            return item(id, model);
        }
    }

    private RedemptionRecord listed(String id) {
        return redemptions.find(id).filter(r -> r.inNotice())
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }

    private Map<String, String> programNames() {
        Map<String, String> names = new java.util.LinkedHashMap<>();
        programs.currentPrograms().forEach(p -> names.put(p.id(), p.name()));
        return names;
    }
}
