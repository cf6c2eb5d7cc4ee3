package org.zhice.voucher.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.zhice.rules.ReplayInput;
import org.zhice.rules.ReplayOutput;
import org.zhice.rules.RulesEngine;

/**
 * {@code replay <input-folder> --out <folder>}: reads the input (spec §2), runs the rules
 * engine and writes the output (spec §6). Exit 0 when done, 1 when the input is wrong (each
 * error on stderr as {@code file:line:column: reason}; nothing written), 2 for a usage error.
 */
public final class ReplayCommand {

    public static final String USAGE = "usage: replay <input-folder> --out <folder>";

    private ReplayCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> positional = new ArrayList<>();
        String outFolder = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                out.println(USAGE);
                return 0;
            } else if (arg.equals("--out")) {
                if (i + 1 >= args.length || outFolder != null) {
                    err.println(USAGE);
                    return 2;
                }
                outFolder = args[++i];
            } else if (arg.startsWith("--out=") && outFolder == null) {
                outFolder = arg.substring("--out=".length());
            } else if (arg.startsWith("-") && arg.length() > 1) {
                err.println("unknown option: " + arg);
                err.println(USAGE);
                return 2;
            } else {
                positional.add(arg);
            }
        }
        if (positional.size() == 2 && positional.get(0).equals("replay")) {
            positional.remove(0); // called with the command name still in front
        }
        if (positional.size() != 1 || outFolder == null || outFolder.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        Path input = Path.of(positional.get(0));
        Path output = Path.of(outFolder);
        if (Files.exists(output) && !Files.isDirectory(output)) {
            err.println("replay: --out " + output + " exists and is not a folder");
            return 2;
        }
        ReplayInput replayInput;
        try {
            replayInput = InputFolder.read(input);
        } catch (InputException e) {
            e.errors().forEach(error -> err.println(error));
            if (e.moreErrors() > 0) {
                err.println("... and " + e.moreErrors() + " more errors");
            }
            err.println("replay: input not valid, nothing written");
            return 1;
        }
        ReplayOutput result;
        try {
            result = RulesEngine.replay(replayInput);
        } catch (ArithmeticException e) {
            err.println("replay: an amount does not fit in 64-bit fen (" + e.getMessage() + "), nothing written");
            return 1;
        }
        try {
            OutputFolder.write(result, output);
        } catch (IOException e) {
            err.println("replay: cannot write " + output + ": " + e.getMessage());
            return 1;
        }
        return 0;
    }
}
