package org.zhice.pool;

import java.util.HashSet;
import java.util.Set;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.zhice.registry.Registry;

/** The program office's view of a matching round over the open demands (a proposal; nothing is signed). */
@Controller
@RequestMapping("/pool/matching")
@PreAuthorize("hasAnyRole('PROGRAM_OFFICE', 'AUDITOR')")
class MatchingPages {

    private final MatchingRound round;
    private final Registry registry;

    MatchingPages(MatchingRound round, Registry registry) {
        this.round = round;
        this.registry = registry;
    }

    @GetMapping
    String show(Model model) {
        MatchingRound.Result result = round.propose();
        Set<String> parties = new HashSet<>();
        result.proposals().forEach(p -> {
            parties.add(p.demand().enterpriseUscc());
            parties.add(p.offering().providerUscc());
        });
        model.addAttribute("result", result);
        model.addAttribute("names", registry.names(parties));
        return "pool/matching";
    }
}
