package org.zhice.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A program file that cannot be loaded, with every error found in it (never just the first). */
public class ProgramException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<ProgramError> errors;

    public ProgramException(List<ProgramError> errors) {
        super(errors.stream().map(ProgramError::toString).collect(Collectors.joining("\n")));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ProgramException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    public List<ProgramError> errors() {
        return errors;
    }
}
