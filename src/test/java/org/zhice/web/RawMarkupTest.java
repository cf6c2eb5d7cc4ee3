package org.zhice.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Names that people type (organisations, programs, offerings, file names) reach pages only as
 * escaped text: no template writes unescaped text ({@code th:utext}, {@code [(...)]}) and no script
 * turns data into markup ({@code innerHTML} and the like, or an ECharts {@code formatter} function,
 * whose return value ECharts renders as HTML; its default tooltips escape names). The page test
 * {@code HostileInputTest} shows the same on the rendered pages.
 */
class RawMarkupTest {

    private static final Path TEMPLATES = Path.of("src/main/resources/templates");
    private static final Path SCRIPTS = Path.of("src/main/resources/static/js");

    @Test
    void noTemplateWritesUnescapedText() throws IOException {
        assertThat(matches(TEMPLATES, Pattern.compile("th:utext|data-th-utext|\\[\\(\\$\\{"))).isEmpty();
    }

    @Test
    void noScriptTurnsDataIntoMarkup() throws IOException {
        assertThat(matches(SCRIPTS, Pattern.compile(
                "innerHTML|outerHTML|insertAdjacentHTML|document\\.write|formatter\\s*:\\s*function|formatter\\s*:\\s*\\(")))
                .isEmpty();
    }

    private static List<String> matches(Path root, Pattern pattern) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).flatMap(file -> {
                try {
                    List<String> lines = Files.readAllLines(file);
                    return java.util.stream.IntStream.range(0, lines.size())
                            .filter(i -> pattern.matcher(lines.get(i)).find())
                            .mapToObj(i -> file + ":" + (i + 1) + ": " + lines.get(i).strip());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
