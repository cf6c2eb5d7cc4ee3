package org.zhice.voucher.replay;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.zhice.rules.Decision;
import org.zhice.rules.Pool;
import org.zhice.rules.ReplayOutput;
import org.zhice.rules.UsageLog;
import org.zhice.rules.UsageReason;
import org.zhice.rules.UsageVerdicts;

/**
 * Writes a replay's output folder (spec §6): {@code decisions.csv}, {@code usage_rejections.csv}
 * and {@code budget.json}. CSV in UTF-8 without BOM, {@code \n} line ends, a field quoted only
 * when it holds a comma, a quote or a line break. The files are written into a temporary folder
 * beside the target and moved in only when all three are complete, so a failed run leaves
 * no partial output.
 */
public final class OutputFolder {

    static final String DECISIONS = "decisions.csv";
    static final String REJECTIONS = "usage_rejections.csv";
    static final String BUDGET = "budget.json";

    private OutputFolder() {
    }

    public static void write(ReplayOutput output, Path out) throws IOException {
        Path target = out.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path temporary = Files.createTempDirectory(parent, "." + target.getFileName() + ".replay-");
        try {
            writeDecisions(output, temporary.resolve(DECISIONS));
            writeRejections(output.usage(), temporary.resolve(REJECTIONS));
            writeBudget(output.budget(), temporary.resolve(BUDGET));
            if (!Files.exists(target)) {
                move(temporary, target);
                return;
            }
            for (String name : new String[] {DECISIONS, REJECTIONS, BUDGET}) {
                move(temporary.resolve(name), target.resolve(name));
            }
        } finally {
            deleteQuietly(temporary);
        }
    }

    private static void writeDecisions(ReplayOutput output, Path file) throws IOException {
        try (Writer w = writer(file)) {
            w.write("kind,id,status,amount_fen,reasons\n");
            for (Decision d : output.decisions()) {
                w.write(d.kind().code());
                w.write(',');
                w.write(field(d.id()));
                w.write(',');
                w.write(d.status().code());
                w.write(',');
                w.write(Long.toString(d.amountFen()));
                w.write(',');
                w.write(d.reasonsText());
                w.write('\n');
            }
        }
    }

    private static void writeRejections(UsageVerdicts usage, Path file) throws IOException {
        UsageLog log = usage.log();
        try (Writer w = writer(file)) {
            w.write("event_id,provider_uscc,reason\n");
            for (int i = 0; i < log.size(); i++) {
                UsageReason reason = usage.reason(i);
                if (reason == null) {
                    continue;
                }
                w.write(field(log.eventId(i)));
                w.write(',');
                w.write(field(log.providerUscc(i)));
                w.write(',');
                w.write(reason.name());
                w.write('\n');
            }
        }
    }

    private static void writeBudget(Pool.Budget budget, Path file) throws IOException {
        try (Writer w = writer(file)) {
            w.write(budgetJson(budget));
        }
    }

    /** {@code {"budget_fen":N,"reserved_fen":N,"granted_fen":N,"available_fen":N}} and a newline. */
    static String budgetJson(Pool.Budget budget) {
        return "{\"budget_fen\":" + budget.budgetFen() + ",\"reserved_fen\":" + budget.reservedFen()
                + ",\"granted_fen\":" + budget.grantedFen() + ",\"available_fen\":" + budget.availableFen() + "}\n";
    }

    /** A CSV field, quoted (quotes doubled) only when it holds a comma, a quote or a line break. */
    static String field(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return '"' + value.replace("\"", "\"\"") + '"';
            }
        }
        return value;
    }

    private static Writer writer(Path file) throws IOException {
        return new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 16);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            // a leftover hidden temporary folder is harmless; the output itself is complete or absent
        }
    }
}
