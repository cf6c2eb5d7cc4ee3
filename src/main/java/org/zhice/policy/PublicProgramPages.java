package org.zhice.policy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.server.ResponseStatusException;

/**
 * Programs for the public, no sign-in: what each program pays for, who may apply, how much and
 * until when, and how to apply, in plain words; and its code, so anyone can check the rules.
 */
@Controller
@RequestMapping("/public/programs")
class PublicProgramPages {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    /** The worked example on each page: a contract of 100万元 actually incurred. */
    private static final long EXAMPLE_CONTRACT_FEN = 100_000_000L;

    private final ProgramCatalog catalog;
    private final Clock clock;

    PublicProgramPages(ProgramCatalog catalog, Clock clock) {
        this.catalog = catalog;
        this.clock = clock;
    }

    @GetMapping
    String list(Model model) {
        List<ProgramCatalog.ProgramSummary> programs = catalog.currentPrograms();
        LocalDate today = today();
        Map<String, String> status = new LinkedHashMap<>();
        programs.forEach(p -> status.put(p.id(), status(p.windowStart(), p.windowEnd(), today)));
        model.addAttribute("programs", programs);
        model.addAttribute("status", status);
        return "policy/public-list";
    }

    @GetMapping("/{id}")
    String program(@PathVariable String id, Model model) {
        ProgramCatalog.Version v = catalog.current(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        Program p = v.program();
        model.addAttribute("v", v);
        model.addAttribute("p", p);
        model.addAttribute("status", status(p.applicationWindow().start(), p.applicationWindow().end(), today()));
        model.addAttribute("example", example(p));
        return "policy/public-program";
    }

    /** {@code upcoming}, {@code open} or {@code closed}: where today lies against the application window. */
    static String status(LocalDate start, LocalDate end, LocalDate today) {
        if (today.isBefore(start)) {
            return "upcoming";
        }
        return today.isAfter(end) ? "closed" : "open";
    }

    /**
     * A worked example for the first category: what a 100万元 contract would get, rounded down
     * to the fen and held to the per-enterprise cap, as the rules do (spec §5).
     */
    record Example(String category, long contractFen, BigDecimal ratio, long subsidyFen) {
    }

    static Example example(Program p) {
        if (p.categories().isEmpty()) {
            return null;
        }
        Map.Entry<String, BigDecimal> first = p.categories().entrySet().iterator().next();
        long raw = first.getValue().multiply(BigDecimal.valueOf(EXAMPLE_CONTRACT_FEN))
                .setScale(0, RoundingMode.FLOOR).longValueExact();
        return new Example(first.getKey(), EXAMPLE_CONTRACT_FEN, first.getValue(),
                Math.min(raw, p.perEnterpriseCapFen()));
    }

    private LocalDate today() {
        return LocalDate.now(clock.withZone(SHANGHAI));
    }
}
