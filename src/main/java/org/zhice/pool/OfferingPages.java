package org.zhice.pool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletResponse;

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
import org.zhice.identity.CurrentUser;
import org.zhice.registry.Registry;

/** A provider's offerings: the list with every version, a new offering, a new version of one. */
@Controller
@RequestMapping("/pool/offerings")
@PreAuthorize("hasRole('PROVIDER')")
class OfferingPages {

    private final Offerings offerings;
    private final Registry registry;
    private final MessageSource messages;

    OfferingPages(Offerings offerings, Registry registry, MessageSource messages) {
        this.offerings = offerings;
        this.registry = registry;
        this.messages = messages;
    }

    @GetMapping
    String list(Model model, Locale locale) {
        CurrentUser user = CurrentUser.require();
        List<Offering> all = offerings.ofProvider(user.orgUscc());
        // per SKU, the latest approved version is the one a new version supersedes
        Map<String, Long> latestApproved = new LinkedHashMap<>();
        for (Offering o : all) {
            if (o.approved()) {
                latestApproved.put(o.sku(), o.id());
            }
        }
        model.addAttribute("bySku", all.stream().collect(Collectors.groupingBy(Offering::sku, LinkedHashMap::new,
                Collectors.toList())));
        model.addAttribute("versionable", latestApproved.values());
        model.addAttribute("today", offerings.today());
        model.addAttribute("regionNames", RegionNames.of(registry, locale));
        return "pool/offerings";
    }

    @GetMapping("/new")
    String newForm(Model model, Locale locale) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("unit", Offering.GPU_HOUR);
        values.put("listedFrom", offerings.today().toString());
        values.put("listedTo", offerings.today().plusYears(1).toString());
        return form(model, values, null, List.of(), locale);
    }

    @PostMapping
    String submit(@RequestParam Map<String, String> params, Model model, RedirectAttributes redirect,
                  HttpServletResponse response, Locale locale) {
        CurrentUser user = CurrentUser.require();
        FormInput input = new FormInput(params);
        Offerings.Draft draft = draft(input, input.text("sku"));
        try {
            if (!input.problems().isEmpty()) {
                throw new PoolException(input.merged(offerings.check(user.orgUscc(), draft)));
            }
            Offering o = offerings.submit(user.orgUscc(), draft, user.username());
            redirect.addFlashAttribute("notice", messages.getMessage("pool.offering.submitted",
                    new Object[] {o.sku(), o.version()}, locale));
            return "redirect:/pool/offerings";
        } catch (PoolException e) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            return form(model, input.values(), null, input.merged(e.problems()), locale);
        }
    }

    @GetMapping("/{id}/version")
    String versionForm(@PathVariable long id, Model model, Locale locale) {
        Offering previous = mine(id);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("category", previous.category());
        values.put("resourceName", previous.resourceName());
        values.put("domestic", Boolean.toString(previous.domestic()));
        values.put("unit", previous.unit());
        values.put("capacity", previous.capacity() == null ? "" : previous.capacity().toString());
        values.put("regionCode", previous.regionCode());
        values.put("referencePriceYuan", java.math.BigDecimal.valueOf(previous.referencePriceFen()).movePointLeft(2)
                .toPlainString());
        values.put("listedFrom", offerings.today().plusDays(1).toString());
        values.put("listedTo", previous.listedTo().isAfter(offerings.today().plusDays(1))
                ? previous.listedTo().toString() : offerings.today().plusYears(1).toString());
        return form(model, values, previous, List.of(), locale);
    }

    @PostMapping("/{id}/version")
    String submitVersion(@PathVariable long id, @RequestParam Map<String, String> params, Model model,
                         RedirectAttributes redirect, HttpServletResponse response, Locale locale) {
        CurrentUser user = CurrentUser.require();
        Offering previous = mine(id);
        FormInput input = new FormInput(params);
        Offerings.Draft draft = draft(input, previous.sku());
        try {
            if (!input.problems().isEmpty()) {
                throw new PoolException(input.merged(offerings.check(user.orgUscc(), draft)));
            }
            Offering o = offerings.submitVersion(user.orgUscc(), id, draft, user.username());
            redirect.addFlashAttribute("notice", messages.getMessage("pool.offering.submitted",
                    new Object[] {o.sku(), o.version()}, locale));
            return "redirect:/pool/offerings";
        } catch (PoolException e) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            return form(model, input.values(), previous, input.merged(e.problems()), locale);
        }
    }

    private Offering mine(long id) {
        CurrentUser user = CurrentUser.require();
        return offerings.find(id)
                .filter(o -> o.providerUscc().equals(user.orgUscc()))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }

    private static Offerings.Draft draft(FormInput input, String sku) {
        return new Offerings.Draft(sku, input.text("category"), input.text("resourceName"), input.checked("domestic"),
                input.text("unit"), input.integer("capacity"), input.text("regionCode"),
                input.yuanAsFen("referencePriceYuan"), input.date("listedFrom"), input.date("listedTo"));
    }

    private String form(Model model, Map<String, String> values, Offering previous,
                        List<PoolException.Problem> problems, Locale locale) {
        model.addAttribute("values", values);
        model.addAttribute("previous", previous);
        model.addAttribute("errors", FormInput.shown(problems, messages, locale));
        model.addAttribute("errorFields", FormInput.fields(problems));
        model.addAttribute("categories", Offering.CATEGORIES);
        model.addAttribute("units", Offering.UNITS);
        model.addAttribute("regions", new ArrayList<>(registry.regions()));
        return "pool/offering-form";
    }
}
