package org.zhice.registry;

/**
 * One end of a relation: an organisation (id = its USCC, kind = its {@link OrganisationKind}
 * code) or a person (id = {@code P:<id>}, kind = {@code person}).
 */
public record Party(String id, String name, String kind) {

    public static final String PERSON = "person";

    public boolean person() {
        return PERSON.equals(kind);
    }

    static boolean isPersonId(String id) {
        return id != null && id.startsWith("P:");
    }
}
