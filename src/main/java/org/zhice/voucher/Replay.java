package org.zhice.voucher;

import java.io.PrintStream;

import org.zhice.voucher.replay.ReplayCommand;

/**
 * The offline replay: {@code zhice replay <input-folder> --out <folder>} recomputes a program
 * year from raw records (spec §2 → §6) with the same rule engine as the platform, without
 * Spring or a database.
 */
public final class Replay {

    private Replay() {
    }

    /**
     * @param args {@code <input-folder> --out <folder>} (a leading {@code replay} is allowed)
     * @return 0 done, 1 input error (messages {@code file:line:column: reason} on {@code err},
     *         nothing written), 2 usage error
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return ReplayCommand.run(args, out, err);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }
}
