package org.zhice.pool;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;
import org.zhice.policy.ProgramCatalog;
import org.zhice.registry.Organisation;
import org.zhice.registry.Registry;

/**
 * The voucher ratio an enterprise would get, per category, for a contract signed on a date: from
 * the programs in force whose region prefix covers the enterprise's region code and whose period
 * holds the date; a start-up gets its program's start-up ratio where there is one; where several
 * programs apply, the highest ratio. It is what the pool shows prices net of: an estimate, since
 * the voucher itself is decided when the enterprise applies (budget and cap may limit it).
 */
@Component
class VoucherRatios {

    private final ProgramCatalog programs;
    private final Registry registry;

    VoucherRatios(ProgramCatalog programs, Registry registry) {
        this.programs = programs;
        this.registry = registry;
    }

    /** Category → ratio for this enterprise on {@code signedOn}; empty when no program covers it. */
    Map<String, BigDecimal> of(String enterpriseUscc, LocalDate signedOn) {
        Optional<Organisation> enterprise = registry.organisation(enterpriseUscc);
        if (enterprise.isEmpty()) {
            return Map.of();
        }
        return of(enterprise.get().regionCode(), enterprise.get().startup(), signedOn);
    }

    Map<String, BigDecimal> of(String regionCode, boolean startup, LocalDate signedOn) {
        Map<String, BigDecimal> ratios = new HashMap<>();
        for (ProgramCatalog.ProgramSummary p : programs.currentPrograms()) {
            if (!regionCode.startsWith(p.regionPrefix())
                    || signedOn.isBefore(p.periodStart()) || signedOn.isAfter(p.periodEnd())) {
                continue;
            }
            p.categoryRatios().forEach((category, ratio) -> {
                BigDecimal applies = startup ? p.startupRatios().getOrDefault(category, ratio) : ratio;
                ratios.merge(category, applies, BigDecimal::max);
            });
        }
        return ratios;
    }
}
