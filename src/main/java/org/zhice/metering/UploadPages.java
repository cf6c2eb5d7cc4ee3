package org.zhice.metering;

import java.io.IOException;
import java.util.Locale;
import java.util.UUID;

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
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.server.ResponseStatusException;
import org.zhice.identity.CurrentUser;

/**
 * The provider portal's usage uploads: a file of events (NDJSON or CSV, by its name or its first
 * character), the result of each line, and the past uploads. The form carries a one-time key, so
 * a form sent twice stores its events once.
 */
@Controller
@RequestMapping("/metering/uploads")
@PreAuthorize("hasRole('PROVIDER')")
class UploadPages {

    private final UsageIngestion ingestion;
    private final MeteringViews views;
    private final MessageSource messages;

    UploadPages(UsageIngestion ingestion, MeteringViews views, MessageSource messages) {
        this.ingestion = ingestion;
        this.views = views;
        this.messages = messages;
    }

    @GetMapping
    String list(Model model) {
        return page(model, null);
    }

    private String page(Model model, String error) {
        CurrentUser user = CurrentUser.require();
        model.addAttribute("uploads", views.uploads(user.orgUscc()));
        model.addAttribute("uploadKey", UUID.randomUUID().toString());
        model.addAttribute("error", error);
        model.addAttribute("maxLines", UsageIngestion.MAX_LINES);
        return "metering/uploads";
    }

    @PostMapping
    String upload(@RequestParam(name = "file", required = false) MultipartFile file,
                  @RequestParam(name = "uploadKey", required = false) String uploadKey, Model model, Locale locale)
            throws IOException {
        CurrentUser user = CurrentUser.require();
        if (file == null || file.isEmpty()) {
            return page(model, messages.getMessage("metering.upload.noFile", null, locale));
        }
        String name = fileName(file.getOriginalFilename());
        byte[] body = file.getBytes();
        String format = format(name, body);
        try {
            UsageBatch batch = "csv".equals(format)
                    ? UsageParsing.csv(body, UsageIngestion.MAX_LINES)
                    : UsageParsing.ndjson(body, UsageIngestion.MAX_LINES);
            String key = uploadKey == null || uploadKey.isBlank() || uploadKey.length() > UsageApi.MAX_KEY
                    ? null : "page:" + uploadKey.strip();
            IngestResult result = ingestion.ingest(new UsageIngestion.Upload(user.orgUscc(), user.username(), "page",
                    key, Metering.sha256(body), format, name), batch);
            return "redirect:/metering/uploads/" + result.uploadId();
        } catch (BodyException e) {
            return page(model, messages.getMessage("metering.upload.refused", new Object[] {name}, locale) + " "
                    + messages.getMessage(e.messageKey(), e.args(), locale));
        } catch (UsageIngestion.KeyConflict e) {
            return page(model, messages.getMessage("metering.upload.resent", null, locale));
        }
    }

    @GetMapping("/{id}")
    String show(@PathVariable long id, @RequestParam(name = "from", defaultValue = "1") int from, Model model) {
        CurrentUser user = CurrentUser.require();
        MeteringViews.UploadRow upload = views.upload(user.orgUscc(), id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        int first = Math.max(1, from);
        IngestResult results = views.results(id, first);
        model.addAttribute("upload", upload);
        model.addAttribute("results", results.results());
        model.addAttribute("from", first);
        model.addAttribute("previous", first > 1 ? Math.max(1, first - MeteringViews.LINES_PER_PAGE) : null);
        model.addAttribute("next", first + MeteringViews.LINES_PER_PAGE <= upload.lines()
                ? first + MeteringViews.LINES_PER_PAGE : null);
        model.addAttribute("to", Math.min(upload.lines(), first + MeteringViews.LINES_PER_PAGE - 1));
        return "metering/upload";
    }

    private static String fileName(String original) {
        if (original == null || original.isBlank()) {
            return "upload";
        }
        String name = original.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1).replaceAll("\\p{Cntrl}", "").strip();   // NUL: PostgreSQL refuses it
        return name.isEmpty() ? "upload" : name.length() > 255 ? name.substring(0, 255) : name;
    }

    /** CSV when the name says so, NDJSON for .ndjson/.jsonl/.json; otherwise '{' first means NDJSON. */
    static String format(String name, byte[] body) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv")) {
            return "csv";
        }
        if (lower.endsWith(".ndjson") || lower.endsWith(".jsonl") || lower.endsWith(".json")) {
            return "ndjson";
        }
        for (byte b : body) {
            if (b == '{' || b == '[') {
                return "ndjson";
            }
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n' && (b & 0xFF) != 0xEF && (b & 0xFF) != 0xBB
                    && (b & 0xFF) != 0xBF) {
                return "csv";
            }
        }
        return "ndjson";
    }
}
