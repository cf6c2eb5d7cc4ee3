package org.zhice.voucher;

import java.io.IOException;
import java.io.StringReader;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.audit.AuditLog;
import org.zhice.registry.Organisation;
import org.zhice.registry.OrganisationKind;
import org.zhice.registry.Registry;
import org.zhice.shared.Uscc;
import org.zhice.rules.Quantities;

/**
 * Contracts signed outside the platform: the enterprise uploads the signed document (PDF or an
 * image, kept with its SHA-256) and types the lines, or gives them as a small CSV in the shape
 * of spec §2 {@code contracts.csv} (or just {@code sku,unit_price_fen,quantity_max}). Every
 * problem is reported with its field, CSV row and column; nothing is stored then.
 */
@Service
class UploadedContracts {

    static final int MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
    static final int MAX_LINES = 100;
    static final String SHORT_HEADER = "sku,unit_price_fen,quantity_max";
    static final String FULL_HEADER =
            "contract_id,enterprise_uscc,provider_uscc,signed_on,start_on,end_on,sku,unit_price_fen,quantity_max";
    private static final Pattern SKU = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern EXTERNAL_REF = Pattern.compile("[^\\p{Cntrl}]{1,64}");

    /** What the enterprise gives; everything as typed, checked here. */
    record Upload(String providerUscc, String externalRef, String signedOn, String startOn, String endOn,
                  String linesCsv, String documentName, byte[] document) {
    }

    private final JdbcClient jdbc;
    private final Registry registry;
    private final AuditLog audit;
    private final Clock clock;

    UploadedContracts(JdbcClient jdbc, Registry registry, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.registry = registry;
        this.audit = audit;
        this.clock = clock;
    }

    /** Checks and stores an upload of {@code enterpriseUscc}; returns the new contract id. */
    @Transactional
    String store(Actor actor, String enterpriseUscc, Upload upload) {
        return store(actor, enterpriseUscc, upload, OffsetDateTime.now(clock));
    }

    @Transactional
    String store(Actor actor, String enterpriseUscc, Upload upload, OffsetDateTime at) {
        if (!actor.is(org.zhice.identity.Role.ENTERPRISE) || !enterpriseUscc.equals(actor.orgUscc())) {
            throw VoucherException.forbidden("voucher.error.forbidden");
        }
        List<VoucherException.Problem> problems = new ArrayList<>();
        Parsed parsed = parse(enterpriseUscc, upload, problems);
        String media = mediaType(upload.document());
        if (upload.document() == null || upload.document().length == 0) {
            problems.add(new VoucherException.Problem("document", "voucher.upload.document.required"));
        } else if (upload.document().length > MAX_DOCUMENT_BYTES) {
            problems.add(new VoucherException.Problem("document", "voucher.upload.document.tooLarge",
                    MAX_DOCUMENT_BYTES / (1024 * 1024)));
        } else if (media == null) {
            problems.add(new VoucherException.Problem("document", "voucher.upload.document.type"));
        }
        if (!problems.isEmpty()) {
            throw new VoucherException(problems);
        }
        String sha256 = sha256(upload.document());
        String name = documentName(upload.documentName());
        jdbc.sql("""
                        insert into voucher_document (sha256, media_type, size_bytes, content, uploaded_by, uploaded_at)
                        values (:sha, :type, :size, :content, :by, :at) on conflict do nothing""")
                .param("sha", sha256).param("type", media).param("size", upload.document().length)
                .param("content", upload.document()).param("by", actor.username()).param("at", at)
                .update();
        long number = jdbc.sql("select nextval('voucher_contract_number')").query(Long.class).single();
        String contractId = "UC%04d-%06d".formatted(parsed.signedOn.getYear(), number);
        jdbc.sql("""
                        insert into voucher_contract (contract_id, enterprise_uscc, provider_uscc, external_ref, signed_on,
                            start_on, end_on, document_sha256, document_name, created_by, created_at)
                        values (:id, :e, :p, :ref, :signed, :start, :end, :sha, :name, :by, :at)""")
                .param("id", contractId).param("e", enterpriseUscc).param("p", parsed.providerUscc)
                .param("ref", parsed.externalRef).param("signed", parsed.signedOn).param("start", parsed.startOn)
                .param("end", parsed.endOn).param("sha", sha256).param("name", name)
                .param("by", actor.username()).param("at", at)
                .update();
        for (Line line : parsed.lines.values()) {
            jdbc.sql("""
                            insert into voucher_contract_line (contract_id, sku, unit_price_fen, quantity_max_micros)
                            values (:id, :sku, :price, :micros)""")
                    .param("id", contractId).param("sku", line.sku).param("price", line.unitPriceFen)
                    .param("micros", line.quantityMaxMicros)
                    .update();
        }
        audit.recordAs(actor.username(), "voucher.contract.upload", "voucher_contract", contractId,
                enterpriseUscc + " ← " + parsed.providerUscc + ", " + parsed.lines.size() + " lines, document "
                        + sha256);
        return contractId;
    }

    /** The document of an uploaded contract, when {@code actor} may see it. */
    java.util.Optional<Document> document(String sha256) {
        return jdbc.sql("select media_type, content from voucher_document where sha256 = :sha")
                .param("sha", sha256)
                .query((rs, n) -> new Document(rs.getString(1), rs.getBytes(2)))
                .optional();
    }

    record Document(String mediaType, byte[] content) {
    }

    private record Line(String sku, long unitPriceFen, long quantityMaxMicros) {
    }

    private static final class Parsed {
        String providerUscc;
        String externalRef;
        LocalDate signedOn;
        LocalDate startOn;
        LocalDate endOn;
        final Map<String, Line> lines = new LinkedHashMap<>();
    }

    private Parsed parse(String enterpriseUscc, Upload upload, List<VoucherException.Problem> problems) {
        Parsed parsed = new Parsed();
        String text = upload.linesCsv() == null ? "" : upload.linesCsv().strip();
        boolean full = text.startsWith("contract_id");
        parsed.providerUscc = blankToNull(upload.providerUscc());
        parsed.externalRef = blankToNull(upload.externalRef());
        parsed.signedOn = date("signedOn", upload.signedOn(), !full, problems);
        parsed.startOn = date("startOn", upload.startOn(), !full, problems);
        parsed.endOn = date("endOn", upload.endOn(), !full, problems);
        if (text.isEmpty()) {
            problems.add(new VoucherException.Problem("lines", "voucher.upload.lines.required", SHORT_HEADER));
        } else {
            lines(enterpriseUscc, text, full, parsed, problems);
        }
        if (parsed.externalRef != null && !EXTERNAL_REF.matcher(parsed.externalRef).matches()) {
            problems.add(new VoucherException.Problem("externalRef", "voucher.upload.externalRef.invalid"));
        }
        if (parsed.providerUscc == null) {
            if (!full) {
                problems.add(new VoucherException.Problem("providerUscc", "voucher.upload.provider.required"));
            }
        } else if (!Uscc.isValid(parsed.providerUscc)) {
            problems.add(new VoucherException.Problem("providerUscc", "voucher.upload.provider.invalid",
                    parsed.providerUscc));
        } else {
            Organisation provider = registry.organisation(parsed.providerUscc).orElse(null);
            if (provider == null || provider.kind() != OrganisationKind.PROVIDER) {
                problems.add(new VoucherException.Problem("providerUscc", "voucher.upload.provider.unknown",
                        parsed.providerUscc));
            } else if (parsed.providerUscc.equals(enterpriseUscc)) {
                problems.add(new VoucherException.Problem("providerUscc", "voucher.upload.provider.self"));
            }
        }
        if (parsed.startOn != null && parsed.endOn != null && parsed.endOn.isBefore(parsed.startOn)) {
            problems.add(new VoucherException.Problem("endOn", "voucher.upload.endBeforeStart", parsed.startOn));
        }
        return parsed;
    }

    private void lines(String enterpriseUscc, String text, boolean full, Parsed parsed,
                       List<VoucherException.Problem> problems) {
        List<CSVRecord> records;
        try (CSVParser parser = CSVFormat.RFC4180.builder().get().parse(new StringReader(text))) {
            records = parser.getRecords();
        } catch (IOException | RuntimeException e) {
            problems.add(new VoucherException.Problem("lines", "voucher.upload.csv.malformed", e.getMessage()));
            return;
        }
        String header = String.join(",", records.get(0).values()).strip();
        String expected = full ? FULL_HEADER : SHORT_HEADER;
        if (!header.equals(expected)) {
            problems.add(new VoucherException.Problem("lines", "voucher.upload.csv.header", SHORT_HEADER, FULL_HEADER));
            return;
        }
        if (records.size() < 2) {
            problems.add(new VoucherException.Problem("lines", "voucher.upload.lines.required", SHORT_HEADER));
            return;
        }
        if (records.size() - 1 > MAX_LINES) {
            problems.add(new VoucherException.Problem("lines", "voucher.upload.csv.tooMany", MAX_LINES));
            return;
        }
        int columns = full ? 9 : 3;
        int offset = full ? 6 : 0;
        for (int i = 1; i < records.size(); i++) {
            CSVRecord record = records.get(i);
            int row = i + 1;
            if (record.size() != columns) {
                problems.add(new VoucherException.Problem("lines", "voucher.upload.csv.columns", row, columns,
                        record.size()));
                continue;
            }
            if (full) {
                fullRow(enterpriseUscc, record, row, parsed, problems);
            }
            String sku = record.get(offset).strip();
            if (!SKU.matcher(sku).matches()) {
                problems.add(new VoucherException.Problem("lines", "voucher.upload.csv.sku", row, offset + 1, sku));
                continue;
            }
            Long price = wholeNumber(record.get(offset + 1).strip());
            if (price == null || price > 100_000_000_000L) {
                problems.add(new VoucherException.Problem("lines", "voucher.upload.csv.price", row, offset + 2,
                        record.get(offset + 1)));
                continue;
            }
            long micros;
            try {
                micros = Quantities.parseMicros(record.get(offset + 2).strip());
            } catch (NumberFormatException e) {
                problems.add(new VoucherException.Problem("lines", "voucher.upload.csv.quantity", row, offset + 3,
                        record.get(offset + 2)));
                continue;
            }
            if (micros <= 0) {
                problems.add(new VoucherException.Problem("lines", "voucher.upload.csv.quantity", row, offset + 3,
                        record.get(offset + 2)));
                continue;
            }
            if (parsed.lines.putIfAbsent(sku, new Line(sku, price, micros)) != null) {
                problems.add(new VoucherException.Problem("lines", "voucher.upload.csv.duplicateSku", row, offset + 1,
                        sku));
            }
        }
    }

    /** A row of the full contracts.csv shape: its parties and dates must be the same on every row. */
    private static void fullRow(String enterpriseUscc, CSVRecord record, int row, Parsed parsed,
                                List<VoucherException.Problem> problems) {
        if (!record.get(1).strip().equals(enterpriseUscc)) {
            problems.add(new VoucherException.Problem("lines", "voucher.upload.csv.enterprise", row, 2, record.get(1)));
        }
        String ref = blankToNull(record.get(0));
        if (parsed.externalRef == null) {
            parsed.externalRef = ref;
        }
        parsed.providerUscc = same(parsed.providerUscc, record.get(2).strip(), row, 3, problems);
        String[] names = {"signed_on", "start_on", "end_on"};
        LocalDate[] dates = {parsed.signedOn, parsed.startOn, parsed.endOn};
        for (int k = 0; k < 3; k++) {
            LocalDate date;
            try {
                date = LocalDate.parse(record.get(3 + k).strip());
            } catch (DateTimeParseException e) {
                problems.add(new VoucherException.Problem("lines", "voucher.upload.csv.date", row, 4 + k,
                        record.get(3 + k)));
                continue;
            }
            if (dates[k] == null) {
                dates[k] = date;
            } else if (!dates[k].equals(date)) {
                problems.add(new VoucherException.Problem("lines", "voucher.upload.csv.differs", row, 4 + k, names[k]));
            }
        }
        parsed.signedOn = dates[0];
        parsed.startOn = dates[1];
        parsed.endOn = dates[2];
    }

    private static String same(String current, String value, int row, int column,
                               List<VoucherException.Problem> problems) {
        if (current == null) {
            return value;
        }
        if (!current.equals(value)) {
            problems.add(new VoucherException.Problem("lines", "voucher.upload.csv.differs", row, column,
                    "provider_uscc"));
        }
        return current;
    }

    private static LocalDate date(String field, String text, boolean required, List<VoucherException.Problem> problems) {
        if (text == null || text.isBlank()) {
            if (required) {
                problems.add(new VoucherException.Problem(field, "voucher.upload.date.required"));
            }
            return null;
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            problems.add(new VoucherException.Problem(field, "voucher.upload.date.invalid", text));
            return null;
        }
    }

    private static Long wholeNumber(String text) {
        if (!text.matches("[0-9]{1,12}")) {
            return null;
        }
        return Long.parseLong(text);
    }

    /** The document's type from its first bytes (never from the name the browser sends). */
    static String mediaType(byte[] content) {
        if (content == null || content.length < 4) {
            return null;
        }
        if (content[0] == '%' && content[1] == 'P' && content[2] == 'D' && content[3] == 'F') {
            return "application/pdf";
        }
        if ((content[0] & 0xFF) == 0x89 && content[1] == 'P' && content[2] == 'N' && content[3] == 'G') {
            return "image/png";
        }
        if ((content[0] & 0xFF) == 0xFF && (content[1] & 0xFF) == 0xD8 && (content[2] & 0xFF) == 0xFF) {
            return "image/jpeg";
        }
        return null;
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String documentName(String name) {
        if (name == null || name.isBlank()) {
            return "contract";
        }
        String base = name.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).replaceAll("\\p{Cntrl}", "").strip();
        if (base.isEmpty()) {
            return "contract";
        }
        return base.length() > 255 ? base.substring(0, 255) : base;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
