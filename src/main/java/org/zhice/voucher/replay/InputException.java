package org.zhice.voucher.replay;

import java.util.List;
import java.util.stream.Collectors;

/** A replay input folder that cannot be replayed, with the errors found in it. */
public class InputException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<InputError> errors;
    private final long moreErrors;

    public InputException(List<InputError> errors, long moreErrors) {
        super(errors.stream().map(InputError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
        this.moreErrors = moreErrors;
    }

    public List<InputError> errors() {
        return errors;
    }

    /** Errors found beyond those listed (the list is bounded). */
    public long moreErrors() {
        return moreErrors;
    }
}
