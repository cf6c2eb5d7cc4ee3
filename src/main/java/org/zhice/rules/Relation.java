package org.zhice.rules;

import java.util.Objects;

/** A link between two parties (USCCs or {@code P:<id>} persons); {@code type} is free text. */
public record Relation(String partyA, String partyB, String type) {
    public Relation {
        Objects.requireNonNull(partyA, "partyA");
        Objects.requireNonNull(partyB, "partyB");
    }
}
