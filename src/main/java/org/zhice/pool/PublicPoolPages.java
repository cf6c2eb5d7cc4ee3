package org.zhice.pool;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.zhice.registry.Registry;

/**
 * The public pool page (no sign-in): GPUs listed and reserved over time as charts, drawn by
 * {@code static/js/pool.js} from {@code /public/pool/data}, and the catalog in force today,
 * also as spec §2 {@code catalog.csv}.
 */
@Controller
@RequestMapping("/public/pool")
class PublicPoolPages {

    private final PoolStatistics statistics;
    private final Offerings offerings;
    private final ComputePool pool;
    private final Registry registry;

    PublicPoolPages(PoolStatistics statistics, Offerings offerings, ComputePool pool, Registry registry) {
        this.statistics = statistics;
        this.offerings = offerings;
        this.pool = pool;
        this.registry = registry;
    }

    @GetMapping
    String page(Model model, java.util.Locale locale) {
        List<Offering> catalog = offerings.inForceOn(offerings.today());
        Set<String> providers = new HashSet<>();
        catalog.forEach(o -> providers.add(o.providerUscc()));
        model.addAttribute("catalog", catalog);
        model.addAttribute("names", registry.names(providers));
        model.addAttribute("regionNames", RegionNames.of(registry, locale));
        model.addAttribute("today", offerings.today());
        return "pool/public";
    }

    @GetMapping(path = "/data", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    PoolStatistics.Figures data() {
        return statistics.figures();
    }

    @GetMapping("/catalog.csv")
    ResponseEntity<byte[]> catalogCsv() {
        StringBuilder csv = new StringBuilder(CatalogEntry.CSV_HEADER).append('\n');
        pool.catalogRows().forEach(row -> csv.append(row.csvLine()).append('\n'));
        return ResponseEntity.ok()
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .header("Content-Disposition", "attachment; filename=\"catalog.csv\"")
                .body(csv.toString().getBytes(StandardCharsets.UTF_8));
    }
}
