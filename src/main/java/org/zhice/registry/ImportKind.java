package org.zhice.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What one import file holds, and its columns. One kind per file. */
enum ImportKind {
    ORGANISATIONS("organisations", List.of("uscc", "name", "kind", "region_code"),
            List.of("founded_on", "registered_capital_fen", "is_startup", "industry", "address")),
    PEOPLE("people", List.of("person_id", "name"), List.of("id_number", "phone")),
    RELATIONS("relations", List.of("party_a", "party_b", "type"), List.of());

    private final String code;
    private final List<String> required;
    private final List<String> optional;

    ImportKind(String code, List<String> required, List<String> optional) {
        this.code = code;
        this.required = required;
        this.optional = optional;
    }

    public String code() {
        return code;
    }

    public List<String> required() {
        return required;
    }

    public List<String> optional() {
        return optional;
    }

    public List<String> columns() {
        List<String> all = new ArrayList<>(required);
        all.addAll(optional);
        return all;
    }

    static Optional<ImportKind> fromCode(String code) {
        for (ImportKind kind : values()) {
            if (kind.code.equals(code)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
