package org.zhice.policy;

/** Program files for tests: a valid spec §1 program with a few values to vary. */
final class ProgramFixtures {

    private ProgramFixtures() {
    }

    static String program(String id, String budgetYuan, String domesticRatio) {
        return """
                id: %s
                name: 测试算力券
                funder: 测试市经济和信息化局
                region_prefix: "3301"
                period: { start: 2025-01-01, end: 2025-12-31 }
                application_window: { start: 2025-01-01, end: 2025-12-31 }
                budget_yuan: %s
                per_enterprise_cap_yuan: 400
                categories:
                  compute.domestic: %s
                  model.filed: 0.25
                contract_term_days_max: 366
                cap_price_at_reference: true
                exclude_related_parties: true
                notice_working_days: 5
                """.formatted(id, budgetYuan, domesticRatio);
    }

    static String program(String id) {
        return program(id, "1000000", "0.30");
    }
}
