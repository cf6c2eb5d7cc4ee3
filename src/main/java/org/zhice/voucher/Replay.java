package org.zhice.voucher;

import java.io.PrintStream;

/** Placeholder until the replay driver lands (helper-1 replaces this file). */
public final class Replay {
    private Replay() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        err.println("replay is not available yet");
        return 2;
    }
}
