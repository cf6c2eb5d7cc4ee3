package org.zhice.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;
import org.zhice.shared.CommandLineCommand;

/**
 * {@code ./zhice backup <file>}: a consistent backup of the whole database into {@code <file>}
 * (written beside it as {@code <file>.partial}, then moved; an existing file is never
 * overwritten; mode 600). The personal-data key is not in the file: when it lives in
 * {@code <data-dir>/data.key} it is copied to {@code <file>.key}; when it comes from
 * {@code ZHICE_DATA_KEY} the command says that the same key is needed to restore.
 * Exit 0 when written, 1 when refused.
 */
@Component
class BackupCommand implements CommandLineCommand {

    private final DatabaseBackup backup;
    private final String dataKey;
    private final String dataDir;

    BackupCommand(DatabaseBackup backup, @Value("${zhice.data-key:}") String dataKey,
                  @Value("${zhice.data-dir:./data}") String dataDir) {
        this.backup = backup;
        this.dataKey = dataKey;
        this.dataDir = dataDir;
    }

    @Override
    public String name() {
        return "backup";
    }

    @Override
    public int run(String[] args) {
        return run(args, System.out, System.err);
    }

    int run(String[] args, PrintStream out, PrintStream err) {
        BackupText text = new BackupText(args);
        String name = BackupText.file(args);
        if (name == null) {
            err.println(text.get("backup.usage"));
            return 2;
        }
        Path file = Path.of(name).toAbsolutePath().normalize();
        Path keyCopy = file.resolveSibling(file.getFileName() + ".key");
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Path keyFile = Path.of(dataDir).toAbsolutePath().normalize().resolve("data.key");
        boolean keyFromFile = !StringUtils.hasText(dataKey);
        if (Files.exists(file) || (keyFromFile && Files.exists(keyCopy))) {
            err.println(text.get("backup.exists", Files.exists(file) ? file : keyCopy));
            return 1;
        }
        if (keyFromFile && !Files.isRegularFile(keyFile)) {
            err.println(text.get("backup.keyMissing", keyFile));
            return 1;
        }
        try {
            Files.createDirectories(file.getParent());
            Manifest manifest;
            Files.deleteIfExists(partial);
            Files.createFile(partial);
            restrict(partial); // all the platform's data: readable by its owner only
            try (OutputStream o = Files.newOutputStream(partial)) {
                manifest = backup.write(o);
            }
            if (keyFromFile) {
                Files.copy(keyFile, keyCopy);
                restrict(keyCopy);
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            out.println(text.get("backup.done", file, manifest.tables.size(), manifest.rows(),
                    manifest.schemaVersion, manifest.ledgerHead.isEmpty() ? "-" : manifest.ledgerHead));
            out.println(keyFromFile ? text.get("backup.key.copied", keyCopy) : text.get("backup.key.external"));
            return 0;
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // the message below names the failure
            }
            err.println(text.get("backup.failed", file, e.getMessage()));
            return 1;
        }
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // the operator keeps it safe by other means
        }
    }
}
