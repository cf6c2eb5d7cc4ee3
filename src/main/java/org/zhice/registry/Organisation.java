package org.zhice.registry;

import java.time.LocalDate;

/**
 * A registered organisation, keyed by its 统一社会信用代码. The optional attributes are
 * {@code null} when unknown; {@code startup} feeds programs that give start-ups a higher ratio.
 */
public record Organisation(String uscc, String name, OrganisationKind kind, String regionCode,
                           LocalDate foundedOn, Long registeredCapitalFen, boolean startup,
                           String industry, String address) {
}
