package org.zhice.pool;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.server.ResponseStatusException;
import org.zhice.identity.CurrentUser;
import org.zhice.registry.Registry;

/**
 * Contracts signed on the platform: an enterprise or a provider sees those it is party to, the
 * program office and auditors see all (the latest {@value #LIST_LIMIT}).
 */
@Controller
@RequestMapping("/pool/contracts")
@PreAuthorize("hasAnyRole('ENTERPRISE', 'PROVIDER', 'PROGRAM_OFFICE', 'AUDITOR')")
class ContractPages {

    static final int LIST_LIMIT = 200;

    private final Contracts contracts;
    private final ComputePool pool;
    private final Registry registry;

    ContractPages(Contracts contracts, ComputePool pool, Registry registry) {
        this.contracts = contracts;
        this.pool = pool;
        this.registry = registry;
    }

    @GetMapping
    String list(Model model) {
        CurrentUser user = CurrentUser.require();
        List<PoolContract> list = switch (user.role()) {
            case ENTERPRISE -> contracts.ofEnterprise(user.orgUscc());
            case PROVIDER -> contracts.ofProvider(user.orgUscc());
            default -> contracts.latest(LIST_LIMIT);
        };
        model.addAttribute("contracts", list);
        model.addAttribute("names", names(list));
        return "pool/contracts";
    }

    @GetMapping("/{contractId}")
    String show(@PathVariable String contractId, Model model) {
        CurrentUser user = CurrentUser.require();
        PoolContract contract = pool.contract(contractId)
                .filter(c -> user.maySee(c.enterpriseUscc()) || user.maySee(c.providerUscc()))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("contract", contract);
        model.addAttribute("csvHeader", PoolContract.CSV_HEADER);
        model.addAttribute("names", names(List.of(contract)));
        model.addAttribute("offerings", contract.lines().stream()
                .map(l -> pool.offeringInForce(contract.providerUscc(), l.sku(), contract.signedOn()).orElse(null))
                .toList());
        return "pool/contract";
    }

    private java.util.Map<String, String> names(List<PoolContract> list) {
        Set<String> parties = new HashSet<>();
        list.forEach(c -> {
            parties.add(c.enterpriseUscc());
            parties.add(c.providerUscc());
        });
        return registry.names(parties);
    }
}
