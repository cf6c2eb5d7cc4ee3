package org.zhice.rules;

import java.util.Objects;

/**
 * An organisation of the registry (orgs.csv).
 *
 * @param regionCode its GB/T 2260 region code, 6 digits
 * @param startup    whether it counts as a start-up for a program's {@code startup_categories}
 *                   (optional column of orgs.csv; {@code false} when absent)
 */
public record Org(String uscc, String name, Kind kind, String regionCode, boolean startup) {

    public Org {
        Objects.requireNonNull(uscc, "uscc");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(regionCode, "regionCode");
    }

    public boolean isEnterprise() {
        return kind == Kind.ENTERPRISE;
    }

    public enum Kind {
        ENTERPRISE("enterprise"),
        PROVIDER("provider");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static Kind fromCode(String code) {
            for (Kind kind : values()) {
                if (kind.code.equals(code)) {
                    return kind;
                }
            }
            return null;
        }
    }
}
