package org.zhice.rules;

/** The outcome of an application or a redemption. */
public enum Status {
    APPROVED("approved"),
    PARTIAL("partial"),
    REJECTED("rejected");

    private final String code;

    Status(String code) {
        this.code = code;
    }

    /** As written in {@code decisions.csv}. */
    public String code() {
        return code;
    }
}
