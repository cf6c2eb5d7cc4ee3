package org.zhice.voucher.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.zhice.shared.HostileBytes;
import org.zhice.voucher.ReplayFixture;

/**
 * Hostile replay input folders (spec §2): one file of the worked example mutated at a time. The
 * reader answers the input or an {@link InputException} whose errors name a file of the folder, a
 * line and a column; never another exception. The usage reader, which has its own byte-level JSON
 * parser, is also fed mutated NDJSON directly with one and with several threads.
 */
class ReplayInputFuzzProperties {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final byte[] USAGE = ReplayFixture.resource("worked-1/input/usage.ndjson").getBytes(StandardCharsets.UTF_8);
    private static Path folder;

    @BeforeContainer
    static void writeFolder() throws IOException {
        folder = Files.createTempDirectory("replay-fuzz");
        for (String name : ReplayFixture.INPUT_FILES) {
            Files.writeString(folder.resolve(name), ReplayFixture.resource("worked-1/input/" + name));
        }
    }

    @AfterContainer
    static void deleteFolder() throws IOException {
        try (var files = Files.list(folder)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(folder);
    }

    @Property(tries = 400)
    void mutatedUsageGetsOnlyInputErrors(@ForAll long seed) {
        byte[] usage = HostileBytes.mutate(USAGE, seed);
        for (int threads : new int[] {1, 3}) {
            Errors errors = new Errors();
            try {
                UsageReader.read(usage, threads, errors);
            } catch (RuntimeException | StackOverflowError e) {
                fail("usage reader (" + threads + " threads) threw " + e + " on:\n"
                        + new String(usage, 0, Math.min(usage.length, 2_000), StandardCharsets.UTF_8), e);
            }
            for (String line : errors.toString().lines().toList()) {
                assertThat(line).matches("usage\\.ndjson:[1-9][0-9]*:[^:]+: .+");
            }
        }
    }

    /** The replay reader had the metering parser's bug: {@code 1.25e1111111} ran stripTrailingZeros for minutes. */
    @Example
    void hugeExponentsAreRefusedQuickly() {
        String line = new String(USAGE, StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
        for (String quantity : List.of("1.25e1111111", "1.25e111111111", "1e100000", "-1e-100000",
                // an exponent beyond an int threw out of replay instead of naming the line
                "1e9999999999", "0e-9999999999",
                // many digits: BigDecimal's parsing and stripTrailingZeros are quadratic in them
                "1" + "0".repeat(300_000) + "e-300000")) {
            Errors errors = new Errors();
            long cpu = THREADS.getCurrentThreadCpuTime();
            UsageReader.read((line.replace("\"8\"", quantity) + "\n").getBytes(StandardCharsets.UTF_8), 1, errors);
            assertThat((THREADS.getCurrentThreadCpuTime() - cpu) / 1_000_000).as(quantity).isLessThan(1_000);
            assertThat(errors.toString()).as(quantity).startsWith("usage.ndjson:1:quantity: ");
        }
    }

    @Property(tries = 200)
    void mutatedFoldersGetOnlyInputErrorsThatSayWhere(@ForAll long seed) throws IOException {
        List<String> inputs = ReplayFixture.INPUT_FILES;
        String name = inputs.get((int) Math.floorMod(seed, (long) inputs.size()));
        byte[] valid = ReplayFixture.resource("worked-1/input/" + name).getBytes(StandardCharsets.UTF_8);
        Path file = folder.resolve(name);
        Files.write(file, HostileBytes.mutate(valid, seed));
        long cpu = THREADS.getCurrentThreadCpuTime();
        try {
            InputFolder.read(folder);
        } catch (InputException e) {
            assertThat(e.errors()).isNotEmpty();
            for (InputError error : e.errors()) {
                assertThat(inputs).as(error.toString()).contains(error.file());
                assertThat(error.line()).as(error.toString()).isNotNegative();
                assertThat(error.column()).as(error.toString()).isNotBlank();
                assertThat(error.message()).as(error.toString()).isNotBlank();
            }
        } catch (RuntimeException | StackOverflowError e) {
            fail("replay input reader threw " + e + " with a mutated " + name + ":\n"
                    + Files.readString(file, StandardCharsets.ISO_8859_1).substring(0, (int) Math.min(2_000, Files.size(file))), e);
        } finally {
            Files.write(file, valid);
        }
        long cpuMillis = (THREADS.getCurrentThreadCpuTime() - cpu) / 1_000_000;
        assertThat(cpuMillis).as("CPU ms for a mutated %s", name).isLessThan(3_000);
    }
}
