package org.zhice.shared;

/** A command of {@code ./zhice <name> …} that needs the database; modules contribute beans. */
public interface CommandLineCommand {
    String name();

    int run(String[] args);
}
