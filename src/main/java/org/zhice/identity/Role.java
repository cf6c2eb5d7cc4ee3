package org.zhice.identity;

/** What a signed-in user may do. Enterprise and provider users act for one organisation. */
public enum Role {
    PROGRAM_OFFICE,
    REVIEWER,
    APPROVER,
    ENTERPRISE,
    PROVIDER,
    AUDITOR;

    public boolean boundToOrganisation() {
        return this == ENTERPRISE || this == PROVIDER;
    }

    public boolean staff() {
        return this == PROGRAM_OFFICE || this == REVIEWER || this == APPROVER || this == AUDITOR;
    }

    public String authority() {
        return "ROLE_" + name();
    }
}
