import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import org.zhice.voucher.replay.InputFolder;
import org.zhice.voucher.replay.OutputFolder;
import org.zhice.rules.ReplayInput;
import org.zhice.rules.ReplayOutput;
import org.zhice.rules.RulesEngine;

/**
 * Times one replay in-process: read the input folder, run the rules engine, write the output.
 * Prints the phases, then as its last line {@code events_per_s=<n> heap_mb=<n>}: usage events
 * over the whole wall time, and the peak used heap (sampled every 5 ms; garbage not yet
 * collected included, so an upper bound of what the replay needs).
 *
 * <pre>java -Xmx2g -cp target/classes:… Bench.java INPUT OUT</pre>
 */
public class Bench {

    public static void main(String[] args) throws Exception {
        Path input = Path.of(args[0]);
        Path out = Path.of(args[1]);
        java.util.concurrent.atomic.AtomicLong peakUsed = new java.util.concurrent.atomic.AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                peakUsed.accumulateAndGet(used, Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        ReplayInput replayInput = InputFolder.read(input);
        long t1 = System.nanoTime();
        ReplayOutput output = RulesEngine.replay(replayInput);
        long t2 = System.nanoTime();
        OutputFolder.write(output, out);
        long t3 = System.nanoTime();
        long cpu = os.getProcessCpuTime() - cpu0;
        sampler.interrupt();
        sampler.join();
        long events = replayInput.usage().size();
        long peak = peakUsed.get();
        System.out.printf("events=%d rejections=%d decisions=%d%n", events, output.usageRejections().size(),
                output.decisions().size());
        System.out.printf("read_s=%.2f rules_s=%.2f write_s=%.2f total_s=%.2f cpu_s=%.2f processors=%d max_heap_mb=%d%n",
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t3 - t0) / 1e9, cpu / 1e9,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf("events_per_s=%d heap_mb=%d%n", (long) (events / ((t3 - t0) / 1e9)), peak >> 20);
    }
}
