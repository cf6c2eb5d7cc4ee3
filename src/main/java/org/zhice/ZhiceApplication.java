package org.zhice;

import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.WebApplicationType;
import org.zhice.shared.CommandLineCommand;
import org.zhice.voucher.Replay;

/**
 * Zhice's one entry point. With no arguments it serves the platform; with a command name it
 * runs that command and exits. Commands that need no database ({@code replay}) run without
 * starting Spring at all, so an auditor can recompute a program year on any machine.
 */
@SpringBootApplication
public class ZhiceApplication {

    public static void main(String[] args) {
        if (args.length > 0 && !args[0].startsWith("-")) {
            System.exit(runCommand(args));
        }
        SpringApplication.run(ZhiceApplication.class, args);
    }

    static int runCommand(String[] args) {
        String command = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "replay":
                return Replay.run(rest, System.out, System.err);
            case "help":
            case "--help":
                printUsage();
                return 0;
            default:
                if (DatabaseCommands.names().contains(command)) {
                    return DatabaseCommands.run(command, rest);
                }
                System.err.println("unknown command: " + command);
                printUsage();
                return 2;
        }
    }

    private static void printUsage() {
        System.err.println("""
                usage: zhice                          start the platform (http://localhost:8080)
                       zhice replay <input-folder> --out <folder>
                                                      recompute a program year from raw records (spec §2 → §6)
                       zhice verify-ledger            recompute the ledger's hash chain and balances
                       zhice backup <file>            consistent backup of the database (+ <file>.key)
                       zhice restore <file>           restore a backup into a fresh instance, verify the ledger
                """);
    }

    /** Commands that need the database: they start Spring without the web server. */
    static final class DatabaseCommands {
        static java.util.Set<String> names() {
            return java.util.Set.of("verify-ledger", "backup", "restore");
        }

        static int run(String command, String[] rest) {
            var app = new SpringApplication(ZhiceApplication.class);
            app.setWebApplicationType(WebApplicationType.NONE);
            app.setAdditionalProfiles("command");
            try (var context = app.run(rest)) {
                return context.getBeansOfType(CommandLineCommand.class).values().stream()
                        .filter(c -> c.name().equals(command))
                        .findFirst()
                        .map(c -> c.run(rest))
                        .orElseGet(() -> {
                            System.err.println("command not available yet: " + command);
                            return 2;
                        });
            }
        }
    }
}
