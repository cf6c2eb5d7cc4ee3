package org.zhice.policy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Reads a set of program files, from the classpath ({@code programs/*.yaml}, the presets) or
 * from a folder on disk ({@code zhice.programs.dir}). Files are taken in name order. A file
 * that cannot be read or is not UTF-8 is an error naming it; the caller then loads none.
 */
final class ProgramFolder {

    static final String PRESETS = "classpath*:programs/*.yaml";
    /** At most this many files in one folder: a folder of programs, not a data dump. */
    static final int MAX_FILES = 200;

    /** Messages of the errors found here; {@link ProgramErrorText} translates them. */
    static final String SAME_ID = "the same id is defined in ";
    static final String TOO_LARGE = "file is larger than " + ProgramText.MAX_BYTES + " bytes";
    static final String NOT_UTF8 = "not valid UTF-8";
    static final String CANNOT_READ = "cannot read: ";
    static final String NOT_A_FOLDER = "not a folder";
    static final String TOO_MANY = "more than " + MAX_FILES + " program files";

    private static final Pattern ID_LINE = Pattern.compile("(?m)^id\\s*:");

    record File(String name, String text) {
    }

    record Batch(List<File> files, List<ProgramError> errors) {
    }

    Batch presets() {
        List<File> files = new ArrayList<>();
        List<ProgramError> errors = new ArrayList<>();
        try {
            Resource[] resources = new PathMatchingResourcePatternResolver().getResources(PRESETS);
            Arrays.sort(resources, Comparator.comparing(r -> String.valueOf(r.getFilename())));
            for (Resource resource : resources) {
                String name = fileName(resource.getFilename());
                try (InputStream in = resource.getInputStream()) {
                    add(name, in.readAllBytes(), files, errors);
                } catch (IOException e) {
                    errors.add(new ProgramError(name, 1, "-", CANNOT_READ + e.getMessage()));
                }
            }
        } catch (IOException e) {
            errors.add(new ProgramError("programs/", 1, "-", CANNOT_READ + e.getMessage()));
        }
        return new Batch(files, errors);
    }

    Batch read(Path folder) {
        List<File> files = new ArrayList<>();
        List<ProgramError> errors = new ArrayList<>();
        String folderName = folder.toString();
        if (!Files.isDirectory(folder)) {
            errors.add(new ProgramError(folderName, 1, "-", NOT_A_FOLDER));
            return new Batch(files, errors);
        }
        List<Path> paths;
        try (Stream<Path> list = Files.list(folder)) {
            paths = list.filter(p -> {
                        String n = p.getFileName().toString();
                        return (n.endsWith(".yaml") || n.endsWith(".yml")) && Files.isRegularFile(p);
                    })
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            errors.add(new ProgramError(folderName, 1, "-", CANNOT_READ + e.getMessage()));
            return new Batch(files, errors);
        }
        if (paths.size() > MAX_FILES) {
            errors.add(new ProgramError(folderName, 1, "-", TOO_MANY));
            return new Batch(files, errors);
        }
        for (Path path : paths) {
            String name = path.getFileName().toString();
            try {
                if (Files.size(path) > ProgramText.MAX_BYTES) {
                    errors.add(new ProgramError(name, 1, "-", TOO_LARGE));
                    continue;
                }
                add(name, Files.readAllBytes(path), files, errors);
            } catch (IOException e) {
                errors.add(new ProgramError(name, 1, "-", CANNOT_READ + e.getMessage()));
            }
        }
        return new Batch(files, errors);
    }

    private static void add(String name, byte[] bytes, List<File> files, List<ProgramError> errors) {
        if (bytes.length > ProgramText.MAX_BYTES) {
            errors.add(new ProgramError(name, 1, "-", TOO_LARGE));
            return;
        }
        Optional<String> text = ProgramText.decode(bytes);
        if (text.isEmpty()) {
            errors.add(new ProgramError(name, 1, "-", NOT_UTF8));
            return;
        }
        files.add(new File(name, ProgramText.normalise(text.get())));
    }

    /** The last segment of an uploaded or listed file name, never blank, at most 255 characters. */
    static String fileName(String name) {
        String n = name == null ? "" : name.strip();
        int slash = Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\'));
        n = n.substring(slash + 1).replaceAll("\\p{Cntrl}", "");
        if (n.isBlank()) {
            n = "program.yaml";
        }
        return n.length() > 255 ? n.substring(0, 255) : n;
    }

    static Optional<ProgramError> checkSize(String file, String text) {
        if (text.getBytes(StandardCharsets.UTF_8).length > ProgramText.MAX_BYTES) {
            return Optional.of(new ProgramError(file, 1, "-", TOO_LARGE));
        }
        return Optional.empty();
    }

    /** The 1-based line of the top-level {@code id:} key, for errors about the id as a whole. */
    static int lineOfId(String text) {
        Matcher m = ID_LINE.matcher(text);
        if (!m.find()) {
            return 1;
        }
        int line = 1;
        for (int i = 0; i < m.start(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
