package org.zhice.pool;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
import org.zhice.registry.Organisation;
import org.zhice.registry.Registry;
import org.zhice.web.Money;

/**
 * An enterprise's demands: post one, see the offers that fit it ranked by price net of its
 * voucher, accept one (the contract is signed on the platform). An enterprise sees only its own.
 */
@Controller
@RequestMapping("/pool/demands")
@PreAuthorize("hasRole('ENTERPRISE')")
class DemandPages {

    static final int LIST_LIMIT = 200;

    private final Demands demands;
    private final Contracts contracts;
    private final Offerings offerings;
    private final Registry registry;
    private final MessageSource messages;
    private final Money money;

    DemandPages(Demands demands, Contracts contracts, Offerings offerings, Registry registry, MessageSource messages,
                Money money) {
        this.money = money;
        this.demands = demands;
        this.contracts = contracts;
        this.offerings = offerings;
        this.registry = registry;
        this.messages = messages;
    }

    @GetMapping
    String list(Model model) {
        model.addAttribute("demands", demands.of(CurrentUser.require().orgUscc(), LIST_LIMIT));
        return "pool/demands";
    }

    @GetMapping("/new")
    String newForm(Model model, Locale locale) {
        CurrentUser user = CurrentUser.require();
        LocalDate today = offerings.today();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("unit", Offering.GPU_HOUR);
        values.put("startOn", today.plusDays(1).toString());
        values.put("endOn", today.plusDays(30).toString());
        registry.organisation(user.orgUscc()).map(Organisation::regionCode).ifPresent(r -> values.put("regionCode", r));
        return form(model, values, List.of(), locale);
    }

    @PostMapping
    String post(@RequestParam Map<String, String> params, Model model, RedirectAttributes redirect,
                HttpServletResponse response, Locale locale) {
        CurrentUser user = CurrentUser.require();
        FormInput input = new FormInput(params);
        Demands.Form form = new Demands.Form(input.text("unit"), input.text("resourceName"), input.integer("gpus"),
                input.integer("hours"), input.decimal("millionTokens"), input.date("startOn"), input.date("endOn"),
                input.text("regionCode"), input.checked("localOnly"), input.yuanAsFen("budgetYuan"));
        try {
            if (!input.problems().isEmpty()) {
                throw new PoolException(input.merged(demands.check(user.orgUscc(), form, offerings.today())));
            }
            PoolDemand demand = demands.post(user.orgUscc(), form, user.username());
            redirect.addAttribute("id", demand.id());
            return "redirect:/pool/demands/{id}";
        } catch (PoolException e) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            return form(model, input.values(), input.merged(e.problems()), locale);
        }
    }

    @GetMapping("/{id}")
    String show(@PathVariable long id, Model model, Locale locale) {
        PoolDemand demand = mine(id);
        model.addAttribute("demand", demand);
        if (demand.open()) {
            Matcher.Ranking ranking = demands.offers(demand);
            Set<String> providers = new HashSet<>();
            ranking.quotes().forEach(q -> providers.add(q.offer().providerUscc()));
            model.addAttribute("ranking", ranking);
            Map<Long, String> confirms = new java.util.HashMap<>();
            ranking.quotes().forEach(q -> confirms.put(q.offer().id(), messages.getMessage("pool.offers.confirm",
                    new Object[] {money.yuan(q.grossFen())}, locale)));
            model.addAttribute("confirms", confirms);
            model.addAttribute("names", registry.names(providers));
        }
        model.addAttribute("regionName", registry.region(demand.regionCode()).orElse(null));
        model.addAttribute("regionNames", RegionNames.of(registry, locale));
        return "pool/demand";
    }

    @PostMapping("/{id}/accept")
    String accept(@PathVariable long id, @RequestParam("offeringId") long offeringId, RedirectAttributes redirect,
                  Locale locale) {
        CurrentUser user = CurrentUser.require();
        mine(id);
        try {
            PoolContract contract = contracts.accept(user.orgUscc(), id, offeringId, user.username());
            redirect.addFlashAttribute("notice", messages.getMessage("pool.accept.signed",
                    new Object[] {contract.contractId()}, locale));
            redirect.addAttribute("contractId", contract.contractId());
            return "redirect:/pool/contracts/{contractId}";
        } catch (PoolException e) {
            redirect.addFlashAttribute("errors", FormInput.shown(e.problems(), messages, locale));
            redirect.addAttribute("id", id);
            return "redirect:/pool/demands/{id}";
        }
    }

    /** The demand, when it is this enterprise's; else 404 (whether it exists is not told). */
    private PoolDemand mine(long id) {
        String uscc = CurrentUser.require().orgUscc();
        return demands.find(id)
                .filter(d -> d.enterpriseUscc().equals(uscc))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }

    private String form(Model model, Map<String, String> values, List<PoolException.Problem> problems,
                        Locale locale) {
        model.addAttribute("values", values);
        model.addAttribute("errors", FormInput.shown(problems, messages, locale));
        model.addAttribute("errorFields", FormInput.fields(problems));
        model.addAttribute("units", Offering.UNITS);
        model.addAttribute("resources", resources());
        model.addAttribute("regions", registry.regions());
        return "pool/demand-form";
    }

    /** The resources on offer today, by unit, for the form's choices. */
    private Map<String, Set<String>> resources() {
        Map<String, Set<String>> byUnit = new LinkedHashMap<>();
        Offering.UNITS.forEach(u -> byUnit.put(u, new java.util.TreeSet<>()));
        offerings.inForceOn(offerings.today()).forEach(o -> byUnit.get(o.unit()).add(o.resourceName()));
        return byUnit;
    }
}
