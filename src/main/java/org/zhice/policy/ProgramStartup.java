package org.zhice.policy;

import java.nio.file.Path;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Loads the program files of {@code zhice.programs.dir} at startup, when that key is set: the
 * way an operator keeps programs in a reviewed folder (e.g. a git checkout) instead of
 * uploading them. Idempotent, so a restart stores nothing new unless a file changed. A folder
 * with any bad file stops the start, with every error listed: a platform must not run on
 * programs other than the ones its operator wrote. Not run for command-line commands.
 */
@Component
@Profile("!command")
@Order(0)
class ProgramStartup implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ProgramStartup.class);

    private final ProgramCatalog catalog;
    private final String folder;

    ProgramStartup(ProgramCatalog catalog, @Value("${zhice.programs.dir:}") String folder) {
        this.catalog = catalog;
        this.folder = folder;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!StringUtils.hasText(folder)) {
            return;
        }
        Path path = Path.of(folder).toAbsolutePath().normalize();
        ProgramCatalog.Load load = catalog.loadFolder(path);
        if (!load.ok()) {
            throw new IllegalStateException("zhice.programs.dir=" + path + ": no program loaded, fix these first:\n"
                    + load.errors().stream().map(ProgramError::toString).collect(Collectors.joining("\n")));
        }
        for (ProgramCatalog.Stored stored : load.stored()) {
            log.info("program {} version {} {} ({})", stored.version().id(), stored.version().version(),
                    stored.created() ? "stored" : "unchanged", stored.version().fileName());
        }
    }
}
