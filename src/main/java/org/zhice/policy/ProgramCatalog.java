package org.zhice.policy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Service;

/** Programs in force, as the rest of the platform reads them. (Storage: see the policy issue.) */
@Service
public class ProgramCatalog {

    public List<ProgramSummary> currentPrograms() {
        return List.of();
    }

    /** One program's current version, for listing and the landing page. */
    public record ProgramSummary(String id, int version, String name, String funder, String regionPrefix,
                                 LocalDate periodStart, LocalDate periodEnd, long budgetFen,
                                 long perEnterpriseCapFen, Map<String, BigDecimal> categoryRatios) {
    }
}
