package org.zhice.rules;

/** What a catalog SKU is metered in; a contract line has the unit of its catalog row. */
public enum Unit {
    /** GPU-hours; events carry {@code units} (GPUs at once) and are checked against capacity. */
    GPU_HOUR("gpu_hour"),
    /** Millions of tokens of a model service. */
    MILLION_TOKENS("million_tokens");

    private final String code;

    Unit(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The unit written as {@code code}, or {@code null} when there is none by that name. */
    public static Unit fromCode(String code) {
        for (Unit unit : values()) {
            if (unit.code.equals(code)) {
                return unit;
            }
        }
        return null;
    }
}
