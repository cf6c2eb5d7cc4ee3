package org.zhice.voucher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The engine against {@link ReferenceReplay}, a slow implementation written straight from the
 * spec, on random small inputs that crowd the edges ({@link RandomReplayInput}). Any
 * difference in any output byte fails, and prints the input.
 */
class ReplayModelProperties {

    @Property(tries = 400)
    void theEngineAgreesWithTheReferenceToTheByte(@ForAll long seed) throws IOException {
        check(seed);
    }

    @Example
    void aFewFixedSeeds() throws IOException {
        for (long seed = 0; seed < 50; seed++) {
            check(seed);
        }
    }

    /** Guards the generator: over these seeds the reference meets every reason code of the spec. */
    @Example
    void theRandomInputsReachEveryReasonCode() throws IOException {
        java.util.Set<String> seen = new java.util.TreeSet<>();
        for (long seed = 0; seed < 300; seed++) {
            Path in = Files.createTempDirectory("replay-model-");
            try {
                RandomReplayInput.write(RandomReplayInput.generate(seed), in);
                Map<String, String> out = ReferenceReplay.run(in);
                out.get("decisions.csv").lines().skip(1).forEach(line -> {
                    String[] fields = line.split(",", -1);
                    seen.add(fields[0] + ":" + fields[2]);
                    seen.addAll(java.util.Arrays.asList(fields[4].split(";")));
                });
                out.get("usage_rejections.csv").lines().skip(1).forEach(line -> seen.add(line.substring(line.lastIndexOf(',') + 1)));
            } finally {
                delete(in);
            }
        }
        seen.remove("");
        java.util.List<String> expected = new java.util.ArrayList<>();
        for (org.zhice.rules.UsageReason reason : org.zhice.rules.UsageReason.values()) {
            expected.add(reason.name());
        }
        for (org.zhice.rules.DecisionReason reason : org.zhice.rules.DecisionReason.values()) {
            expected.add(reason.name());
        }
        for (String kind : new String[] {"application", "redemption"}) {
            for (String status : new String[] {"approved", "partial", "rejected"}) {
                expected.add(kind + ":" + status);
            }
        }
        assertThat(seen).containsAll(expected);
    }

    static void check(long seed) throws IOException {
        Map<String, String> input = RandomReplayInput.generate(seed);
        Path root = Files.createTempDirectory("replay-model-");
        try {
            Path in = root.resolve("in");
            RandomReplayInput.write(input, in);
            Path out = root.resolve("out");
            var result = ReplayFixture.run(out, in.toString(), "--out", out.toString());
            assertThat(result.exit()).as("seed %d: %s", seed, result.stderr()).isZero();
            Map<String, String> expected = ReferenceReplay.run(in);
            StringBuilder dump = new StringBuilder("seed " + seed + "\n");
            input.forEach((name, text) -> dump.append("== ").append(name).append('\n').append(text));
            for (String name : ReplayFixture.OUTPUT_FILES) {
                assertThat(result.outputs().get(name)).as("%s\n%s", name, dump).isEqualTo(expected.get(name));
            }
        } finally {
            delete(root);
        }
    }

    static void delete(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
