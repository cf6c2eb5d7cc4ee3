package org.zhice.web;

import java.util.List;

import org.springframework.stereotype.Component;
import org.zhice.policy.ProgramCatalog;
import org.zhice.registry.Registry;

/** Figures for the landing page, read through the modules' public facades. */
@Component
class LandingFacts {

    private final ProgramCatalog programs;
    private final Registry registry;

    LandingFacts(ProgramCatalog programs, Registry registry) {
        this.programs = programs;
        this.registry = registry;
    }

    List<ProgramCatalog.ProgramSummary> programs() {
        return programs.currentPrograms();
    }

    Registry.Counts counts() {
        return registry.counts();
    }
}
