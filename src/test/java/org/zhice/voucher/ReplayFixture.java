package org.zhice.voucher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An input folder for replay tests, starting from the worked example of spec §7, with files
 * replaced as a test needs, and a way to run {@link Replay} on it and read what it wrote.
 */
public final class ReplayFixture {

    public static final List<String> INPUT_FILES = List.of("program.yaml", "orgs.csv", "relations.csv", "catalog.csv",
            "contracts.csv", "usage.ndjson", "applications.csv", "redemptions.csv");
    public static final List<String> OUTPUT_FILES = List.of("decisions.csv", "usage_rejections.csv", "budget.json");

    // the worked example's parties
    public static final String E1 = "913301064JURQ283FH"; // enterprise, 330106
    public static final String E2 = "91330106QEFLCR63F3"; // enterprise, 330106, shares P:x with P1
    public static final String E3 = "913302010WTCDKQQ0M"; // enterprise, 330201 (Ningbo)
    public static final String P1 = "91330106NE8PR7JY36"; // provider, 8 GPUs of GPU-A

    private final Map<String, String> files = new LinkedHashMap<>();
    private final Path root;

    private ReplayFixture(Path root) {
        this.root = root;
    }

    /** The worked example's input, in a fresh folder under {@code temp}. */
    public static ReplayFixture workedExample(Path temp) {
        ReplayFixture fixture = new ReplayFixture(temp);
        for (String name : INPUT_FILES) {
            fixture.files.put(name, resource("worked-1/input/" + name));
        }
        return fixture;
    }

    /** The expected output of the worked example. */
    public static String expected(String name) {
        return resource("worked-1/expected/" + name);
    }

    public static String resource(String path) {
        try (InputStream in = ReplayFixture.class.getResourceAsStream("replay/" + path)) {
            if (in == null) {
                throw new IllegalStateException("no test resource replay/" + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ReplayFixture with(String file, String content) {
        if (!INPUT_FILES.contains(file)) {
            throw new IllegalArgumentException(file);
        }
        files.put(file, content);
        return this;
    }

    /** Appends lines (each ending in a newline) to a file. */
    public ReplayFixture append(String file, String... lines) {
        StringBuilder content = new StringBuilder(files.get(file));
        for (String line : lines) {
            content.append(line).append('\n');
        }
        files.put(file, content.toString());
        return this;
    }

    /** Replaces the data rows of a CSV file, keeping its header. */
    public ReplayFixture rows(String file, String... lines) {
        String header = files.get(file).lines().findFirst().orElseThrow();
        files.put(file, header + "\n");
        return append(file, lines);
    }

    public ReplayFixture without(String file) {
        files.remove(file);
        return this;
    }

    public String file(String name) {
        return files.get(name);
    }

    /** Writes the input folder, runs {@code replay in --out out}, and collects the result. */
    public Result replay() {
        try {
            Path in = root.resolve("in");
            Files.createDirectories(in);
            for (String name : INPUT_FILES) {
                Files.deleteIfExists(in.resolve(name));
            }
            for (Map.Entry<String, String> file : files.entrySet()) {
                Files.writeString(in.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
            }
            Path out = root.resolve("out");
            return run(out, in.toString(), "--out", out.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Result run(Path out, String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int exit = Replay.run(args, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        Map<String, String> outputs = new LinkedHashMap<>();
        if (Files.isDirectory(out)) {
            for (String name : OUTPUT_FILES) {
                Path file = out.resolve(name);
                if (Files.exists(file)) {
                    try {
                        outputs.put(name, Files.readString(file, StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        return new Result(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8),
                outputs, Files.exists(out));
    }

    /** What one run did: its exit code, what it printed, and the output files it wrote. */
    public record Result(int exit, String stdout, String stderr, Map<String, String> outputs, boolean outExists) {

        public String decisions() {
            return outputs.get("decisions.csv");
        }

        public String rejections() {
            return outputs.get("usage_rejections.csv");
        }

        public String budget() {
            return outputs.get("budget.json");
        }

        /** The decision line of one id ({@code kind,id,status,amount,reasons}), or null. */
        public String decision(String id) {
            return decisions().lines().filter(l -> l.split(",", -1)[1].equals(id)).findFirst().orElse(null);
        }

        /** The reason an event was rejected, or null when it was accepted. */
        public String rejection(String eventId) {
            return rejections().lines().skip(1).filter(l -> l.startsWith(eventId + ","))
                    .map(l -> l.substring(l.lastIndexOf(',') + 1)).findFirst().orElse(null);
        }
    }
}
