package org.zhice.policy;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
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
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.zhice.identity.CurrentUser;
import org.zhice.identity.Role;

/**
 * Programs for signed-in users: the list, any version with its parsed values, history and a
 * diff, and (program office only) the upload of a program file.
 */
@Controller
@RequestMapping("/programs")
@PreAuthorize("isAuthenticated()")
class ProgramPages {

    private final ProgramCatalog catalog;
    private final ProgramErrorText errorText;

    ProgramPages(ProgramCatalog catalog, ProgramErrorText errorText) {
        this.catalog = catalog;
        this.errorText = errorText;
    }

    @GetMapping
    String list(Model model) {
        model.addAttribute("programs", catalog.currentPrograms());
        model.addAttribute("mayUpload", CurrentUser.get().map(u -> u.is(Role.PROGRAM_OFFICE)).orElse(false));
        return "policy/list";
    }

    @GetMapping("/{id}")
    String current(@PathVariable String id, Model model) {
        ProgramCatalog.Version v = catalog.current(id).orElseThrow(ProgramPages::notFound);
        return show(v, v.version() > 1 ? v.version() - 1 : null, model);
    }

    @GetMapping("/{id}/versions/{n}")
    String version(@PathVariable String id, @PathVariable int n,
                   @RequestParam(name = "against", required = false) Integer against, Model model) {
        ProgramCatalog.Version v = catalog.version(id, n).orElseThrow(ProgramPages::notFound);
        return show(v, against != null ? against : (n > 1 ? n - 1 : null), model);
    }

    private String show(ProgramCatalog.Version v, Integer against, Model model) {
        List<ProgramCatalog.VersionSummary> versions = catalog.versions(v.id());
        model.addAttribute("v", v);
        model.addAttribute("versions", versions);
        model.addAttribute("latest", versions.get(versions.size() - 1).version());
        Optional<ProgramCatalog.Version> other = against == null || against == v.version()
                ? Optional.empty() : catalog.version(v.id(), against);
        model.addAttribute("compareTo", other.map(ProgramCatalog.Version::version).orElse(null));
        other.ifPresent(o -> {
            model.addAttribute("changes", ProgramDiff.changes(o.program(), v.program()));
            model.addAttribute("lines", ProgramDiff.lines(o.yamlText(), v.yamlText()));
        });
        return "policy/program";
    }

    @GetMapping("/upload")
    @PreAuthorize("hasRole('PROGRAM_OFFICE')")
    String uploadForm() {
        return "policy/upload";
    }

    @PostMapping("/upload")
    @PreAuthorize("hasRole('PROGRAM_OFFICE')")
    String upload(@RequestParam(name = "file", required = false) MultipartFile file, Model model,
                  RedirectAttributes redirect, HttpServletResponse response, Locale locale) throws IOException {
        if (file == null || file.isEmpty()) {
            return refused(List.of(new ProgramErrorText.Shown("", 0, "-", errorText.message("upload.choose", locale))),
                    model, response);
        }
        String name = ProgramFolder.fileName(file.getOriginalFilename());
        if (file.getSize() > ProgramText.MAX_BYTES) {
            return refused(shown(List.of(new ProgramError(name, 1, "-", ProgramFolder.TOO_LARGE)), locale),
                    model, response);
        }
        Optional<String> text = ProgramText.decode(file.getBytes());
        if (text.isEmpty()) {
            return refused(shown(List.of(new ProgramError(name, 1, "-", ProgramFolder.NOT_UTF8)), locale),
                    model, response);
        }
        ProgramCatalog.StoreResult result = catalog.store(name, text.get());
        if (result instanceof ProgramCatalog.Rejected rejected) {
            return refused(shown(rejected.errors(), locale), model, response);
        }
        ProgramCatalog.Stored stored = (ProgramCatalog.Stored) result;
        redirect.addFlashAttribute("stored", stored.created() ? "created" : "unchanged");
        redirect.addAttribute("id", stored.version().id());
        redirect.addAttribute("n", stored.version().version());
        return "redirect:/programs/{id}/versions/{n}";
    }

    private String refused(List<ProgramErrorText.Shown> errors, Model model, HttpServletResponse response) {
        response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
        model.addAttribute("errors", errors);
        return "policy/upload";
    }

    private List<ProgramErrorText.Shown> shown(List<ProgramError> errors, Locale locale) {
        return errors.stream().map(e -> errorText.show(e, locale)).toList();
    }

    private static ResponseStatusException notFound() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND);
    }
}
