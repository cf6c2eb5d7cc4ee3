package org.zhice.voucher;

/** The inputs of a review step: a recommendation and a note, checked the same way everywhere. */
final class Review {

    static final int MAX_NOTE = 2000;

    private Review() {
    }

    /** {@code approve} or {@code reject}; anything else is refused naming the field. */
    static String recommendation(String value) {
        if ("approve".equals(value) || "reject".equals(value)) {
            return value;
        }
        throw VoucherException.invalid("recommendation", "voucher.error.recommendation");
    }

    /** The note, stripped; required when turning something down, at most {@value #MAX_NOTE} characters. */
    static String note(String value, boolean required) {
        String note = value == null ? null : value.strip();
        if (note != null && note.isEmpty()) {
            note = null;
        }
        if (note == null && required) {
            throw VoucherException.invalid("note", "voucher.error.note.required");
        }
        if (note != null && note.length() > MAX_NOTE) {
            throw VoucherException.invalid("note", "voucher.error.note.tooLong", MAX_NOTE);
        }
        return note;
    }
}
