package org.zhice.registry;

import java.util.Optional;

/** What an organisation is to the platform. {@link #code()} is the value in files and tables. */
public enum OrganisationKind {
    /** 用户企业: buys compute and model services, applies for vouchers. */
    ENTERPRISE("enterprise"),
    /** 算力服务商 / 模型服务商: lists offerings, reports usage. */
    PROVIDER("provider"),
    /** 政府机关: funds and runs programs (经信局, 数据局, ...). */
    GOVERNMENT("government");

    private final String code;

    OrganisationKind(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Optional<OrganisationKind> fromCode(String code) {
        for (OrganisationKind kind : values()) {
            if (kind.code.equals(code)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
