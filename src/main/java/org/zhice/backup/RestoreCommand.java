package org.zhice.backup;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.stereotype.Component;
import org.zhice.ledger.Ledger;
import org.zhice.ledger.Verification;
import org.zhice.shared.CommandLineCommand;

/**
 * {@code ./zhice restore <file>}: loads a backup into this instance, which must be fresh (created
 * by Zhice of the same version, nothing written yet) and hold the backed-up instance's
 * personal-data key; then recomputes the ledger's hash chain and balances and compares its head
 * with the backup's. Exit 0 when restored and verified, 1 when refused or when verification
 * fails; a refusal changes nothing.
 */
@Component
class RestoreCommand implements CommandLineCommand {

    private final DatabaseBackup backup;
    private final Ledger ledger;

    RestoreCommand(DatabaseBackup backup, Ledger ledger) {
        this.backup = backup;
        this.ledger = ledger;
    }

    @Override
    public String name() {
        return "restore";
    }

    @Override
    public int run(String[] args) {
        return run(args, System.out, System.err);
    }

    int run(String[] args, PrintStream out, PrintStream err) {
        BackupText text = new BackupText(args);
        String name = BackupText.file(args);
        if (name == null) {
            err.println(text.get("restore.usage"));
            return 2;
        }
        Path file = Path.of(name).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            err.println(text.get("backup.restore.notFound", file));
            return 1;
        }
        DatabaseBackup.Restored restored;
        try {
            restored = backup.restore(file);
        } catch (BackupException e) {
            err.println(text.get(e.key, e.args));
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println(text.get("backup.restore.failed", file, e.getMessage()));
            return 1;
        }
        out.println(text.get("backup.restore.done", file, restored.tables(), restored.rows(),
                restored.manifest().createdAt));
        Verification v = ledger.verify();
        String head = v.headSeq() + ":" + v.headHashHex();
        boolean sameHead = restored.manifest().ledgerHead.isEmpty() || restored.manifest().ledgerHead.equals(head);
        if (v.ok() && sameHead) {
            out.println(text.get("backup.restore.ledgerOk", v.batches(), v.transfers(), v.accounts(), head));
            return 0;
        }
        err.println(text.get("backup.restore.ledgerBroken", v.problems().size(), head,
                restored.manifest().ledgerHead));
        v.problems().forEach(p -> err.println("  " + p.kind() + " — " + p.detail()));
        return 1;
    }
}
