package org.zhice.registry;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.server.ResponseStatusException;
import org.zhice.identity.CurrentUser;

/**
 * The registry's pages: the organisation list (staff), one organisation with its people and
 * relations (staff, or the organisation's own users), and bulk import (program office).
 */
@Controller
@RequestMapping("/registry")
class RegistryController {

    private final Registry registry;
    private final RegistryQueries queries;
    private final RegistryImport imports;
    private final MessageSource messages;

    RegistryController(Registry registry, RegistryQueries queries, RegistryImport imports, MessageSource messages) {
        this.registry = registry;
        this.queries = queries;
        this.imports = imports;
        this.messages = messages;
    }

    @GetMapping("/organisations")
    @PreAuthorize("hasAnyRole('PROGRAM_OFFICE', 'REVIEWER', 'APPROVER', 'AUDITOR')")
    String list(@RequestParam(name = "q", defaultValue = "") String text,
                @RequestParam(defaultValue = "") String kind,
                @RequestParam(defaultValue = "") String region,
                @RequestParam(defaultValue = "1") int page,
                @RequestParam(defaultValue = "25") int size,
                Model model, Locale locale) {
        var search = new RegistryQueries.Search(text, kind, region, page, size);
        model.addAttribute("search", search);
        model.addAttribute("result", queries.search(search));
        model.addAttribute("kinds", OrganisationKind.values());
        model.addAttribute("regions", registry.regions());
        model.addAttribute("regionNames", regionNames(locale));
        return "registry/organisations";
    }

    @GetMapping("/organisations/{uscc}")
    String organisation(@PathVariable String uscc, Model model, Locale locale) {
        CurrentUser user = CurrentUser.require();
        if (!user.maySee(uscc)) {
            throw new AccessDeniedException("organisation " + uscc + " is not " + user.username() + "'s");
        }
        Organisation organisation = registry.organisation(uscc)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("org", organisation);
        model.addAttribute("regionPath", regionPath(organisation.regionCode(), locale));
        model.addAttribute("people", queries.people(uscc));
        model.addAttribute("relations", queries.relations(uscc));
        model.addAttribute("staff", user.role().staff());
        if (user.role().staff()) {
            model.addAttribute("neighbours", queries.organisationsTwoEdgesAway(uscc));
        }
        return "registry/organisation";
    }

    @GetMapping("/import")
    @PreAuthorize("hasRole('PROGRAM_OFFICE')")
    String importForm(Model model) {
        model.addAttribute("importKinds", ImportKind.values());
        model.addAttribute("selectedKind", ImportKind.ORGANISATIONS.code());
        return "registry/import";
    }

    @PostMapping("/import")
    @PreAuthorize("hasRole('PROGRAM_OFFICE')")
    String importFile(@RequestParam(defaultValue = "") String kind,
                      @RequestParam(name = "file", required = false) MultipartFile file,
                      Model model, Locale locale) throws IOException {
        model.addAttribute("importKinds", ImportKind.values());
        model.addAttribute("selectedKind", kind);
        ImportKind importKind = ImportKind.fromCode(kind).orElse(null);
        String fileName = fileName(file);
        List<ImportProblem> problems;
        if (importKind == null) {
            problems = List.of(ImportProblem.of(fileName, 0, null, "kind.unknown", kind));
        } else if (file == null || file.isEmpty()) {
            problems = List.of(ImportProblem.of(fileName, 0, null, "file.missing"));
        } else if (file.getSize() > RegistryImport.MAX_BYTES) {
            problems = List.of(ImportProblem.of(fileName, 0, null, "file.tooLarge", RegistryImport.MAX_BYTES / (1024 * 1024)));
        } else {
            RegistryImport.Outcome outcome = imports.run(importKind, fileName, file.getBytes());
            problems = outcome.problems();
            if (outcome.ok()) {
                model.addAttribute("outcome", outcome);
                model.addAttribute("importedKind", importKind.code());
                model.addAttribute("importedFile", fileName);
            }
        }
        model.addAttribute("problems", problems.stream().map(p -> describe(p, locale)).toList());
        return "registry/import";
    }

    /** A problem as one line for the page, and its parts for tests and screen readers. */
    record ProblemView(String file, int row, String column, String reason, String text) {
    }

    private ProblemView describe(ImportProblem problem, Locale locale) {
        String reason = messages.getMessage(problem.messageKey(), problem.args().toArray(), locale);
        String where;
        if (problem.row() == 0) {
            where = messages.getMessage("registry.import.where.file", new Object[] {problem.file(), reason}, locale);
        } else if (problem.column() == null) {
            where = messages.getMessage("registry.import.where.row",
                    new Object[] {problem.file(), String.valueOf(problem.row()), reason}, locale);
        } else {
            where = messages.getMessage("registry.import.where.cell",
                    new Object[] {problem.file(), String.valueOf(problem.row()), problem.column(), reason}, locale);
        }
        return new ProblemView(problem.file(), problem.row(), problem.column(), reason, where);
    }

    private static String fileName(MultipartFile file) {
        String name = file == null ? null : file.getOriginalFilename();
        if (name == null || name.isBlank()) {
            return "upload";
        }
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).replaceAll("\\p{Cntrl}", "").strip();
        return name.length() > 120 ? name.substring(0, 120) : name;
    }

    private Map<String, String> regionNames(Locale locale) {
        Map<String, String> names = new LinkedHashMap<>();
        registry.regions().forEach(r -> names.put(r.code(), r.name(locale)));
        return names;
    }

    /** A code with its parents: 浙江省 杭州市 西湖区, or Xihu District, Hangzhou, Zhejiang. */
    private String regionPath(String code, Locale locale) {
        Map<String, Region> regions = new LinkedHashMap<>();
        registry.regions().forEach(r -> regions.put(r.code(), r));
        List<String> names = new java.util.ArrayList<>();
        for (Region r = regions.get(code); r != null; r = r.parentCode() == null ? null : regions.get(r.parentCode())) {
            names.add(r.name(locale));
        }
        if (names.isEmpty()) {
            return code;
        }
        if ("en".equals(locale.getLanguage())) {
            return String.join(", ", names);
        }
        java.util.Collections.reverse(names);
        return String.join(" ", names);
    }
}
