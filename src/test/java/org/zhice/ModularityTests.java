package org.zhice;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeps the modular monolith in shape: modules talk only through their public packages, no cycles. */
class ModularityTests {

    /** Production code only: tests may wire beans into fields. */
    static final DescribedPredicate<JavaClass> TEST_CLASSES = DescribedPredicate.describe("test classes",
            c -> c.getSource().map(s -> s.getUri().toString().contains("test-classes")).orElse(false));

    static final ApplicationModules MODULES = ApplicationModules.of(ZhiceApplication.class, TEST_CLASSES);

    @Test
    void modulesRespectTheirBoundaries() {
        MODULES.verify();
    }

    @Test
    void theCapabilitiesTheDesignNamesAreModules() {
        assertThat(MODULES.stream().map(m -> m.getIdentifier().toString()))
                .contains("shared", "identity", "audit", "registry", "policy", "web", "voucher", "demo");
    }

    @Test
    void writesTheModuleMap() {
        new Documenter(MODULES).writeModulesAsPlantUml().writeIndividualModulesAsPlantUml();
    }
}
